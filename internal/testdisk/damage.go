package testdisk

import (
	"os"
	"testing"
)

// Rewrite replaces the file at path with f of its bytes: the way tests
// damage a store at rest (a flipped byte, a garbled header, garbage).
func Rewrite(t testing.TB, path string, f func([]byte) []byte) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, f(b), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TruncateHalf cuts the file at path to half its length, as a crash or a
// full disk halfway through a write leaves it.
func TruncateHalf(t testing.TB, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// Flip returns a Rewrite function that flips the bits of one byte, at the
// offset at picks for a file of n bytes.
func Flip(at func(n int) int) func([]byte) []byte {
	return func(b []byte) []byte {
		b[at(len(b))] ^= 0x5a
		return b
	}
}

// GarbleHead is a Rewrite function that inverts the first 64 bytes.
func GarbleHead(b []byte) []byte {
	for i := range min(64, len(b)) {
		b[i] ^= 0xff
	}
	return b
}

// Garbage is n bytes of deterministic noise.
func Garbage(n int) []byte {
	b := make([]byte, n)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}
