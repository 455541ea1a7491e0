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

// TestImportCSVAllowListFile: a 白名单 exported by another filter is a
// list of words under one header (allow, whitelist or 白名单); it imports
// as the lexicon's allow list, with no rule. Before, the header was read
// as a phrase row and the import failed on its empty category.
func TestImportCSVAllowListFile(t *testing.T) {
	for _, header := range []string{"allow", "Allow", "whitelist", "白名单"} {
		in := header + "\n特效妆\nbest before\n\n最近\n"
		out, err := ImportCSV("white.csv", "white", strings.NewReader(in))
		if err != nil {
			t.Errorf("header %q: %v", header, err)
			continue
		}
		lx, err := lexicon.Parse("white.yaml", out)
		if err != nil {
			t.Fatalf("header %q: %v\n%s", header, err, out)
		}
		if got := strings.Join(lx.Allow, "|"); got != "特效妆|best before|最近" || len(lx.Rules) != 0 {
			t.Errorf("header %q: allow %q and %d rules, want 特效妆|best before|最近 and none", header, got, len(lx.Rules))
		}
	}
	// A header naming a phrase column still needs the rule's columns.
	if _, err := ImportCSV("half.csv", "half", strings.NewReader("phrase,allow\n特效,特效妆\n")); err == nil ||
		!strings.Contains(err.Error(), `no "category" column`) {
		t.Errorf("phrase without category: err %v, want the missing column named", err)
	}
}
