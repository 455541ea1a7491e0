// Package app assembles `earshot serve` from a config.Config: the NATS
// connection (embedded server or external cluster), the alert sink, the
// lexicon, the recognizer, the room registry and the HTTP API, and tears them
// down in the reverse order so pending alerts are flushed before NATS goes.
//
// This package must never hold business logic: it only builds and connects
// the stages.
package app
