// Package archtest holds the architecture test: the import rules that the
// doc.go files state ("This package must never know about rules or
// alerts") and the one-way data flow (ingest -> transcript -> lexicon ->
// alerter -> pipeline, rooms, server -> internal/app -> cmd; the trust
// ledger, trust/, reads what alerter and the workflow stored and sits
// beside pipeline: only server and the wiring import it), checked
// against `go list` on every `go test ./...`, so an import against the
// flow fails CI instead of waiting for a review.
//
// TestBuildsWithoutCgo keeps the build without cgo working (CGO_ENABLED=0
// go build ./cmd/earshot: no PocketSphinx, so no sphinx or kws engine),
// with those engines reported unavailable.
//
// The rules are one table (rules_test.go), each with the sentence it
// enforces; doc.go rules about behaviour rather than imports are listed
// there too, in a comment, so the table shows what is and is not checked.
//
// This package must never hold production code: it is a test.
package archtest
