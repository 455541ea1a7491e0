package lexicon

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// TestViasComplete reads the package's source for every way of matching
// a span can name (via: "x" in a span literal, note("x", ...), and the
// first result of the verifier's (via string, score float64, ...) funcs)
// and checks each is in vias, so no Hit falls back to a fresh HitRule.
func TestViasComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	found := map[string]string{}
	lit := func(e ast.Expr, at token.Pos) {
		if b, ok := e.(*ast.BasicLit); ok && b.Kind == token.STRING {
			s, _ := strconv.Unquote(b.Value)
			found[s] = fset.Position(at).String()
		}
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.KeyValueExpr:
				if k, ok := n.Key.(*ast.Ident); ok && k.Name == "via" {
					lit(n.Value, n.Pos())
				}
			case *ast.CallExpr:
				if s, ok := n.Fun.(*ast.SelectorExpr); ok && s.Sel.Name == "note" && len(n.Args) == 2 {
					lit(n.Args[0], n.Pos())
				}
			case *ast.FuncDecl:
				res := n.Type.Results
				if res == nil || len(res.List) < 2 || n.Body == nil || !viaScore(res) {
					return true
				}
				ast.Inspect(n.Body, func(m ast.Node) bool {
					if r, ok := m.(*ast.ReturnStmt); ok && len(r.Results) > 0 {
						lit(r.Results[0], r.Pos())
					}
					return true
				})
			}
			return true
		})
	}
	if len(found) < 5 {
		t.Fatalf("found only %v: the source scan is broken", found)
	}
	for via, at := range found {
		if via != "" && !slices.Contains(vias[:], via) {
			t.Errorf("via %q (%s) is not in vias", via, at)
		}
	}
}

// viaScore reports whether a func's results start (string, float64).
func viaScore(res *ast.FieldList) bool {
	var types []string
	for _, f := range res.List {
		n := max(1, len(f.Names))
		for range n {
			if id, ok := f.Type.(*ast.Ident); ok {
				types = append(types, id.Name)
			} else {
				types = append(types, "")
			}
		}
	}
	return len(types) >= 2 && types[0] == "string" && types[1] == "float64"
}

// TestHitRulesShared checks that hits of one pattern and way of matching
// share one HitRule (the point of the type) and carry the rule's fields.
func TestHitRulesShared(t *testing.T) {
	e := compileYAML(t, "shared", `
format: 1
name: shared
rules:
  - id: wx
    category: private-goods
    severity: critical
    reminder: stay on the platform
    patterns: [{phrase: "add my wechat"}]
`)
	a := e.MatchText("add my wechat now")
	b := e.MatchText("please add my wechat")
	if len(a) != 1 || len(b) != 1 {
		t.Fatalf("hits %v %v", a, b)
	}
	if a[0].HitRule != b[0].HitRule {
		t.Errorf("two exact hits of one pattern have different HitRules")
	}
	if r := a[0].HitRule; r.RuleID != "wx" || r.Severity != "critical" || r.Reminder != "stay on the platform" || r.Pattern != "add my wechat" || r.Via != "exact" {
		t.Errorf("HitRule = %+v", *r)
	}
}

// TestHitJSON: a Hit encodes flat, in its old field order, and decodes
// back to an equal Hit with a HitRule of its own; a zero Hit encodes
// without failing on its nil HitRule.
func TestHitJSON(t *testing.T) {
	h := Hit{HitRule: &HitRule{RuleID: "r", Category: "c", Severity: "s", Reminder: "m", Pattern: "p", Via: "stem"},
		MatchedText: "t", Start: 1, End: 2, Score: 0.5}
	tests := []struct {
		name string
		hit  Hit
		want string
	}{
		{"full", h, `{"rule_id":"r","category":"c","severity":"s","reminder":"m","pattern":"p","matched_text":"t","via":"stem","start_ns":1,"end_ns":2,"score":0.5}`},
		{"zero", Hit{}, `{"rule_id":"","category":"","severity":"","reminder":"","pattern":"","matched_text":"","via":"","start_ns":0,"end_ns":0,"score":0}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.hit)
			if err != nil || string(b) != tt.want {
				t.Fatalf("Marshal = %s, %v; want %s", b, err, tt.want)
			}
			var back Hit
			if err := json.Unmarshal(b, &back); err != nil || back.HitRule == nil {
				t.Fatalf("Unmarshal = %+v, %v", back, err)
			}
			if tt.hit.HitRule != nil && !reflect.DeepEqual(back, tt.hit) {
				t.Errorf("round trip = %+v, want %+v", back, tt.hit)
			}
		})
	}
	var bad Hit
	if err := json.Unmarshal([]byte(`{"rule_id":7}`), &bad); err == nil || !strings.Contains(err.Error(), "rule_id") {
		t.Errorf("Unmarshal of a bad rule_id: %v, want an error naming it", err)
	}
}
