// Package api owns earshot's HTTP contract: the wire types of every request
// and response body, the error envelope and its table of stable error codes
// (errors.go), the table of routes with the access each needs (routes.go),
// and Client, the one typed Go client the CLI and the tests use.
//
// The server (package server) registers its handlers against Routes, answers
// errors with codes from Errors, and converts its storage records into these
// types; a test there checks that the JSON it writes is what it wrote before
// the types moved here. Clients written in other languages can rely on the
// JSON field names: they are the contract, and changing one is a breaking
// change.
//
// This package must never import server/, internal/app, storage or stage
// packages (transcript/store, alerter and its sub-packages, lexicon, rooms,
// pipeline): the wire types are its own, so a storage refactor cannot change
// the API by accident, and a client binary does not link the service.
package api
