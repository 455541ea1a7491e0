package lexicon

import (
	"os"
	"testing"
)

// testEngine compiles testdata/rules.yaml.
func testEngine(t testing.TB, opts Options) *Engine {
	t.Helper()
	lx, err := LoadFile("testdata/rules.yaml")
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	e, err := Compile(lx, opts)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return e
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func hitFor(hits []Hit, rule string) *Hit {
	for i := range hits {
		if hits[i].RuleID == rule {
			return &hits[i]
		}
	}
	return nil
}

// compileYAML parses a lexicon written inline in a test and compiles it with
// the default options.
func compileYAML(t testing.TB, name, yaml string) *Engine {
	t.Helper()
	lx, err := Parse(name, []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	return mustCompile(t, lx)
}

// mustCompile compiles lx with the default options.
func mustCompile(t testing.TB, lx *Lexicon) *Engine {
	t.Helper()
	e, err := Compile(lx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	return e
}
