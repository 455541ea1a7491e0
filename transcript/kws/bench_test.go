package kws

import (
	"testing"

	"github.com/earshot/earshot/internal/testutil"
)

// BenchmarkDerive measures deriving the keyphrases of the default
// lexicon's English phrases: the work done off the audio path when a
// lexicon version is published.
func BenchmarkDerive(b *testing.B) {
	testutil.NeedFile(b, DefaultDict)
	d, err := LoadDict(DefaultDict)
	if err != nil {
		b.Fatal(err)
	}
	ph := benchPhrases(b)
	th := Tuned()
	for b.Loop() {
		Derive(ph.List, d, th, DeriveOptions{})
	}
}

// BenchmarkRebuild measures a new decoder pool for the default lexicon's
// English keyphrases (the background part of a hot swap).
func BenchmarkRebuild(b *testing.B) {
	skipWithoutModel(b)
	ph := benchPhrases(b)
	r, err := New(Config{Phrases: func() *Phrases { return ph }})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for b.Loop() {
		g, err := r.build(ph, nil)
		if err != nil {
			b.Fatal(err)
		}
		g.close()
	}
}
