package testdouble

import (
	"testing"

	"github.com/earshot/earshot/lexicon"
)

// DefaultEngine is the shipped default lexicon compiled for text matching
// only (no pronouncing dictionary): real rules for the tests whose subject
// is not the rules themselves.
func DefaultEngine(t testing.TB) *lexicon.Engine {
	t.Helper()
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatalf("the default lexicon: %v", err)
	}
	eng, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		t.Fatalf("compiling the default lexicon: %v", err)
	}
	return eng
}
