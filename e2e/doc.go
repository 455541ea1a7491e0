// Package e2e holds end-to-end tests that run earshot as a user would: real
// synthesized speech, real PocketSphinx, a real embedded nats-server, real
// NATS subscribers and real HTTP requests. It has no non-test code.
package e2e
