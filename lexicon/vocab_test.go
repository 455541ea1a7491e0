package lexicon

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

// TestVocabulariesAreWhatValidationAccepts: every category and severity
// of the lists (and each typed constant) makes a valid rule, a value off
// the lists is refused naming the list, and the default lexicon uses
// only listed values.
func TestVocabulariesAreWhatValidationAccepts(t *testing.T) {
	rule := func(cat, sev string) string {
		return fmt.Sprintf("format: 1\nrules:\n  - id: r\n    category: %s\n    severity: %s\n    patterns: [add wechat]\n    reminder: r\n", cat, sev)
	}
	cats := []string{string(PrivateGoods), string(MedicalClaim), string(AbsoluteClaim),
		string(GuaranteeClaim), string(FalseAuthority), string(PriceFraud)}
	sevs := []string{string(SeverityInfo), string(SeverityLow), string(SeverityMedium),
		string(SeverityHigh), string(SeverityCritical)}
	if got := ids(Categories()); !slices.Equal(got, cats) {
		t.Errorf("Categories() %v, want the constants %v in order", got, cats)
	}
	if got := ids(Severities()); !slices.Equal(got, sevs) {
		t.Errorf("Severities() %v, want the constants %v, least severe first", got, sevs)
	}
	for _, lists := range [][]Term{Categories(), Severities(), Languages(), PatternKinds(), ContactKinds()} {
		for _, term := range lists {
			if term.ID == "" || term.Label == "" || term.LabelZH == "" || term.Description == "" {
				t.Errorf("term %+v lacks an id, label, Chinese label or description", term)
			}
		}
	}
	for _, c := range Categories() {
		for _, s := range Severities() {
			if _, err := Parse("t.yaml", []byte(rule(c.ID, s.ID))); err != nil {
				t.Errorf("category %s, severity %s: %v", c.ID, s.ID, err)
			}
		}
	}
	for _, tc := range []struct{ cat, sev, want string }{
		{"spam", "high", "must be one of private-goods, medical-claim"},
		{"price-fraud", "urgent", "must be one of info, low, medium, high, critical"},
	} {
		if _, err := Parse("t.yaml", []byte(rule(tc.cat, tc.sev))); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("category %s severity %s: %v, want an error containing %q", tc.cat, tc.sev, err, tc.want)
		}
	}
	lx, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	used := map[string]bool{}
	for _, r := range lx.Rules {
		used[r.Category] = true
	}
	for _, c := range Categories() {
		if !used[c.ID] {
			t.Errorf("the default lexicon has no rule of category %s", c.ID)
		}
	}
}
