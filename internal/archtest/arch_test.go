package archtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// pkg is what `go list -json` says about one package of the module.
type pkg struct {
	ImportPath string
	Imports    []string // direct imports of the non-test build
	Deps       []string // transitive dependencies of the non-test build
}

// graph is the module's packages by import path.
type graph struct {
	module string
	pkgs   map[string]*pkg
	order  []string
}

// load runs `go list` on the whole module from its root.
func load(t *testing.T) *graph {
	t.Helper()
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the architecture test needs the go command on PATH: %v", err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	mod := exec.Command(gocmd, "list", "-m")
	mod.Dir = root
	out, err := mod.Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	g := &graph{module: strings.TrimSpace(string(out)), pkgs: map[string]*pkg{}}
	cmd := exec.Command(gocmd, "list", "-e", "-json=ImportPath,Imports,Deps", "./...")
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err = cmd.Output()
	if err != nil {
		t.Fatalf("go list ./...: %v\n%s", err, stderr.String())
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("decoding go list output: %v", err)
		}
		g.pkgs[p.ImportPath] = &p
		g.order = append(g.order, p.ImportPath)
	}
	if len(g.pkgs) < 10 {
		t.Fatalf("go list found only %d packages in %s", len(g.pkgs), root)
	}
	return g
}

// match reports whether import path path matches pattern (see rule).
func (g *graph) match(pattern, path string) bool {
	if rel, ok := strings.CutPrefix(pattern, "./"); ok {
		if rel == "..." {
			return path == g.module || strings.HasPrefix(path, g.module+"/")
		}
		pattern = g.module + "/" + rel
	}
	if base, ok := strings.CutSuffix(pattern, "/..."); ok {
		return path == base || strings.HasPrefix(path, base+"/")
	}
	return path == pattern
}

func (g *graph) matchAny(patterns []string, path string) bool {
	return slices.ContainsFunc(patterns, func(p string) bool { return g.match(p, path) })
}

// rel shortens a module path for messages.
func (g *graph) rel(path string) string {
	if r, ok := strings.CutPrefix(path, g.module+"/"); ok {
		return r
	}
	return path
}

// chain returns the shortest import chain from a to b (both included),
// through the module's packages and what they import.
func (g *graph) chain(a, b string) []string {
	prev := map[string]string{a: ""}
	queue := []string{a}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if cur == b {
			var out []string
			for p := b; p != ""; p = prev[p] {
				out = append([]string{g.rel(p)}, out...)
			}
			return out
		}
		p := g.pkgs[cur]
		if p == nil {
			continue // outside the module: its imports are not listed
		}
		for _, next := range p.Imports {
			if _, seen := prev[next]; !seen {
				prev[next] = cur
				queue = append(queue, next)
			}
		}
	}
	return []string{g.rel(a), "...", g.rel(b)}
}

// violations lists, for one rule, every forbidden dependency.
func (g *graph) violations(r rule) (matched int, found []string) {
	for _, path := range g.order {
		if !g.matchAny(r.From, path) || g.matchAny(r.Except, path) {
			continue
		}
		matched++
		p := g.pkgs[path]
		deps := p.Deps
		if r.Direct {
			deps = p.Imports
		}
		for _, d := range deps {
			if d == path || !g.matchAny(r.Not, d) || g.matchAny(r.Allow, d) {
				continue
			}
			found = append(found, fmt.Sprintf("%s depends on %s (%s)", g.rel(path), g.rel(d),
				strings.Join(g.chain(path, d), " -> ")))
		}
	}
	return matched, found
}

// TestLayers checks every rule of rules_test.go against the module.
func TestLayers(t *testing.T) {
	g := load(t)
	for _, r := range rules {
		matched, found := g.violations(r)
		if matched == 0 {
			t.Errorf("rule matches no package (a typo, or a package that moved?): From %v\n  rule: %s", r.From, r.Doc)
		}
		if len(found) > 0 {
			t.Errorf("%s\n  broken by:\n    %s", r.Doc, strings.Join(found, "\n    "))
		}
	}
}

// TestRulesNameRealPackages: a rule about a package of the module that
// does not exist checks nothing, so every module pattern must match one.
func TestRulesNameRealPackages(t *testing.T) {
	g := load(t)
	for _, r := range rules {
		for _, list := range [][]string{r.From, r.Except, r.Not, r.Allow} {
			for _, pat := range list {
				if !strings.HasPrefix(pat, "./") {
					continue
				}
				if !slices.ContainsFunc(g.order, func(p string) bool { return g.match(pat, p) }) {
					t.Errorf("pattern %q names no package of %s\n  rule: %s", pat, g.module, r.Doc)
				}
			}
		}
	}
}

// TestMatch pins the pattern semantics the rules rely on.
func TestMatch(t *testing.T) {
	g := &graph{module: "example.com/m"}
	tests := []struct {
		pattern, path string
		want          bool
	}{
		{"./transcript/...", "example.com/m/transcript", true},
		{"./transcript/...", "example.com/m/transcript/kws", true},
		{"./transcript/...", "example.com/m/transcriptx", false},
		{"./transcript", "example.com/m/transcript/kws", false},
		{"./...", "example.com/m/lexicon", true},
		{"./...", "net/http", false},
		{"net", "net", true},
		{"net", "net/http", false},
		{"github.com/nats-io/...", "github.com/nats-io/nats.go/jetstream", true},
	}
	for _, tt := range tests {
		if got := g.match(tt.pattern, tt.path); got != tt.want {
			t.Errorf("match(%q, %q) = %v, want %v", tt.pattern, tt.path, got, tt.want)
		}
	}
}
