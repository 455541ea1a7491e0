package api

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeListsEveryRoute keeps the README's HTTP API table in step with
// the route table: every route, with the roles that may call it.
func TestReadmeListsEveryRoute(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(readme)
	for _, r := range Routes {
		row := "| `" + r.Pattern() + "` | " + r.Access.String() + " |"
		if !strings.Contains(text, row) {
			t.Errorf("README.md has no row %q: regenerate the HTTP API table from api.Routes", row)
		}
	}
}
