// Package e2e holds end-to-end tests that run earshot as a user would: real
// synthesized speech, real PocketSphinx, a real embedded nats-server, real
// NATS subscribers and real HTTP requests. It has no non-test code.
//
// It must never stand a fake in for a part that can run on this machine, or
// wait a fixed time where it can poll for the outcome with a deadline: a
// passing e2e test is the proof that the real parts work together.
package e2e
