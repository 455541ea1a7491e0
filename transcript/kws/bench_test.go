package kws

import (
	"os"
	"testing"

	"github.com/earshot/earshot/lexicon"
)

// BenchmarkDerive measures deriving the default lexicon's keyphrases: the
// work done off the audio path when a lexicon version is published.
func BenchmarkDerive(b *testing.B) {
	if _, err := os.Stat(DefaultDict); err != nil {
		b.Skip(err)
	}
	d, err := LoadDict(DefaultDict)
	if err != nil {
		b.Fatal(err)
	}
	lx, err := lexicon.Default()
	if err != nil {
		b.Fatal(err)
	}
	th := Tuned()
	for b.Loop() {
		Derive(lx, d, th, DeriveOptions{})
	}
}

// BenchmarkRebuild measures a new decoder pool for the default lexicon's
// keyphrases (the background part of a hot swap).
func BenchmarkRebuild(b *testing.B) {
	skipWithoutModel(b)
	lx, err := lexicon.Default()
	if err != nil {
		b.Fatal(err)
	}
	r, err := New(Config{Lexicon: func() *lexicon.Lexicon { return lx }})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for b.Loop() {
		g, err := r.build(lx, nil)
		if err != nil {
			b.Fatal(err)
		}
		g.close()
	}
}
