package version

import (
	"strings"
	"testing"

	"github.com/earshot/earshot/lexicon"
)

// TestImportCSVAllow: the allow column becomes the rule's allow list, and
// a row with only an allow value the lexicon's (a 白名单 file).
func TestImportCSVAllow(t *testing.T) {
	in := "phrase,category,severity,language,reminder,allow\n" +
		"特效,medical-claim,high,zh,不要说特效,特效妆|特效化妆\n" +
		"神药,medical-claim,high,zh,不要说特效,\n" +
		",,,,,best before\n"
	out, err := ImportCSV("allow.csv", "imported", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	lx, err := lexicon.Parse("allow.yaml", out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(lx.Allow, "|") != "best before" {
		t.Errorf("lexicon allow %v, want [best before]", lx.Allow)
	}
	if len(lx.Rules) != 1 || strings.Join(lx.Rules[0].Allow, "|") != "特效妆|特效化妆" {
		t.Fatalf("rules %+v, want one rule allowing 特效妆 and 特效化妆", lx.Rules)
	}
	e, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if hits := e.MatchText("画个特效妆"); len(hits) != 0 {
		t.Errorf("allowed phrase fired: %+v", hits)
	}
	if hits := e.MatchText("这是特效药"); len(hits) != 1 {
		t.Errorf("want one hit, got %+v", hits)
	}
}

// TestImportCSVWithoutAllow: files without the column import as before.
func TestImportCSVWithoutAllow(t *testing.T) {
	out, err := ImportCSV("plain.csv", "plain", strings.NewReader("最好,absolute-claim,medium,zh,别说最好\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "allow") {
		t.Errorf("no allow column, but the YAML has one:\n%s", out)
	}
}
