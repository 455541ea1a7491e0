package trust

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDocsWorkedExample keeps docs/trust.md's worked example true: each
// scored indicator's row (value, weight, sub-score, contribution) and each
// account's score in the document is what the ledger computes from the
// example's events (workedExample).
func TestDocsWorkedExample(t *testing.T) {
	doc, err := os.ReadFile("../docs/trust.md")
	if err != nil {
		t.Fatal(err)
	}
	v, err := Replay(context.Background(), workedExample(), nil, 30, evening)
	if err != nil {
		t.Fatal(err)
	}
	for _, acc := range []struct {
		kind Kind
		id   string
	}{{Anchor, "amy"}, {Merchant, "shop1"}, {Anchor, "bob"}} {
		r, _ := v.Account(acc.kind, acc.id)
		for _, row := range docRows(r.Score) {
			if !strings.Contains(string(doc), row) {
				t.Errorf("docs/trust.md lacks %s %s's row\n%s", acc.kind, acc.id, row)
			}
		}
		line := fmt.Sprintf("%s `%s`: score **%v**", acc.kind, acc.id, r.Score.Score)
		if !strings.Contains(string(doc), line) {
			t.Errorf("docs/trust.md lacks %q", line)
		}
	}
}

// docRows are the worked example's table rows of s's scored indicators.
func docRows(s Score) []string {
	var out []string
	for _, in := range s.Indicators {
		if in.Weight > 0 {
			out = append(out, fmt.Sprintf("| %s | %v | %v | %v | %v |", in.Name, in.Value, in.Weight, in.Sub, in.Contribution))
		}
	}
	return out
}
