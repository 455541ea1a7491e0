// Package version keeps the policy team's lexicon versions and hands the
// active one to every worker.
//
// Versions live in the JetStream key-value bucket EARSHOT_LEXICON: key
// "active" holds the version in force (a gzipped JSON Version, YAML
// included), keys "v.<n>" archive every version ever published, and keys
// "audit.<time>" record who did what. A publish validates and compiles the
// draft first, then replaces "active" with a compare-and-set on its KV
// revision, so concurrent publishes are serialized into a linear history
// (the last one to commit wins) and an invalid lexicon is never written.
// Rollback publishes an old version's YAML again as a new number.
//
// Every worker runs a Watcher on "active": it verifies the content hash,
// compiles the new version and only then swaps an atomic pointer, so the
// pipeline (which asks for the matcher once per utterance) always sees one
// complete compiled version and a version that fails to compile never
// becomes active anywhere. Watcher.WaitFor blocks until a given version is
// in force here, woken by the swap itself (a publish answers once its
// version runs on the publishing worker), never by polling.
//
// This package must never edit a published version, write "active" without
// the revision it read, or swap in a matcher that has not compiled.
package version
