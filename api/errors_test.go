package api

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strconv"
	"testing"
)

// declaredCodes parses errors.go for the Code constants: name -> value.
func declaredCodes(t *testing.T) map[string]Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]Code{}
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		for _, sp := range gd.Specs {
			vs := sp.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for i, n := range vs.Names {
				v, err := strconv.Unquote(vs.Values[i].(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				out[n.Name] = Code(v)
			}
		}
	}
	return out
}

// TestErrorTable: every declared code is in the table exactly once, every
// table entry is a declared code, and each has a real status and a
// description.
func TestErrorTable(t *testing.T) {
	declared := declaredCodes(t)
	if len(declared) < 30 {
		t.Fatalf("found only %d Code constants in errors.go: is the parser looking at the right file?", len(declared))
	}
	inTable := map[Code]int{}
	for _, e := range Errors {
		inTable[e.Code]++
		if http.StatusText(e.Status) == "" || e.Status < 200 {
			t.Errorf("%s: status %d is not an HTTP status", e.Code, e.Status)
		}
		if len(e.Description) < 10 {
			t.Errorf("%s: describe what the code means", e.Code)
		}
	}
	values := map[Code]string{}
	for name, c := range declared {
		if other, dup := values[c]; dup {
			t.Errorf("%s and %s are both %q", name, other, c)
		}
		values[c] = name
		if inTable[c] != 1 {
			t.Errorf("%s (%q) is in Errors %d times, want once", name, c, inTable[c])
		}
	}
	for c := range inTable {
		if _, ok := values[c]; !ok {
			t.Errorf("Errors lists %q, which has no Code constant", c)
		}
	}
}

func TestCodeStatus(t *testing.T) {
	cases := []struct {
		code Code
		want int
	}{
		{CodeUnauthorized, 401},
		{CodeForbidden, 403},
		{CodeInvalidLexicon, 422},
		{CodeStillFlushing, 202},
		{Code("no_such_code"), 500},
	}
	for _, c := range cases {
		if got := c.code.Status(); got != c.want {
			t.Errorf("%s.Status() = %d, want %d", c.code, got, c.want)
		}
	}
}
