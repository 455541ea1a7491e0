package version

import (
	"testing"

	"github.com/earshot/earshot/lexicon/defaults"
)

// BenchmarkSeal and BenchmarkOpen: what signing adds to a publish and to
// each worker's swap, for the shipped default lexicon (the record is
// gzipped JSON of ~300 KB of YAML either way; the ed25519 part is the
// signature over the payload).
func BenchmarkSeal(b *testing.B) {
	v := Version{Number: 1, YAML: string(defaults.YAML()), Hash: Hash(defaults.YAML())}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testKeys.seal(v); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkOpen(b *testing.B) {
	v := Version{Number: 1, YAML: string(defaults.YAML()), Hash: Hash(defaults.YAML())}
	data, err := testKeys.seal(v)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := testKeys.open(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenUnsigned is the same record without signing, for comparison.
func BenchmarkOpenUnsigned(b *testing.B) {
	v := Version{Number: 1, YAML: string(defaults.YAML()), Hash: Hash(defaults.YAML())}
	data, err := encode(v)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := legacy(data); err != nil {
			b.Fatal(err)
		}
	}
}
