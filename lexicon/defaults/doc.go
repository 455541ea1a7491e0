// Package defaults ships the default lexicon that earshot uses when no
// lexicon file is configured: rules for zh and en live-commerce speech in the
// six policed categories (private-goods, medical-claim, absolute-claim,
// guarantee-claim, false-authority, price-fraud).
//
// The rules live in default.yaml, embedded at build time, so a binary always
// carries them. The regression suite under testdata/cases holds utterances
// per category with the exact set of categories each must fire; run it with
// `go test ./lexicon/defaults/`.
//
// This package only holds bytes. It must never import the lexicon package
// (lexicon imports it to implement lexicon.Default) nor parse, compile or
// match anything itself.
package defaults
