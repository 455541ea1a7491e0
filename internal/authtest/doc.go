// Package authtest mints HTTP tokens for tests: a fresh signing key per
// test, a token of any role, and the broken tokens an authorization test
// needs (expired, tampered, signed by another key).
//
// It is for tests only: production code must never import it.
package authtest
