// Command earshot listens to live-commerce broadcasts and reminds anchors
// when they say what the lexicon forbids. See README.md.
//
// This package parses flags and wires: `earshot serve` hands the typed
// configuration to internal/app, and the client commands talk to a running
// server through api.Client. It must never hold pipeline, storage or HTTP
// handler logic of its own; a command that needs more than wiring puts that
// code in the package whose job it is.
package main
