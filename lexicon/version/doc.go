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
// Versions are signed. Each record ("active", "v.<n>") is an envelope with
// the Version's JSON, the signer's public key and an ed25519 signature
// (nkeys) made by the API node that published it (Keys). A record that is
// unsigned, signed by a key the node does not trust, or altered, is refused
// everywhere (ErrRefused): the Watcher logs it at error level, counts it
// (Refused, OnRefused) and keeps the version in force; a worker starting
// while "active" is forged runs the newest signed archived version; the
// next publish writes over the forgery. Holding write access to the bucket
// (the NATS service user) is not enough to change what workers match.
//
// This package must never edit a published version, write "active" without
// the revision it read, swap in a matcher that has not compiled, or use a
// record whose signature it has not verified.
package version
