package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/version"
)

const smallLexicon = `format: 1
name: small
rules:
  - id: wechat
    category: private-goods
    severity: high
    patterns: [add my wechat]
    reminder: Please use platform chat.
    cooldown: 45s
  - id: plain
    category: private-goods
    severity: high
    patterns: [call me]
    reminder: Please use platform chat.
`

// TestLexiconLoader: the one loader answers with the configured file, the
// shipped default when none is named, a clear error for a bad file, and
// the active version once it follows one.
func TestLexiconLoader(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "small.yaml"), filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte(smallLexicon), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("format: 1\nname: [\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	def, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file, wantName, wantFile, wantErr string
	}{
		{"", def.Name, "default.yaml", ""},
		{good, "small", "small.yaml", ""},
		{bad, "", "bad.yaml", "bad.yaml"},
		{filepath.Join(dir, "missing.yaml"), "", "missing.yaml", "missing.yaml"},
	}
	for _, tc := range cases {
		cfg := config.Default()
		cfg.Lexicon.File, cfg.Lexicon.Phonetic = tc.file, false
		l := newLexiconLoader(cfg, nil)
		lx, err := l.Lexicon()
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || l.InForce() != nil {
				t.Errorf("%q: error %v, want one naming %s", tc.file, err, tc.wantErr)
			}
			continue
		}
		if err != nil || lx.Name != tc.wantName || l.configured().file != tc.wantFile || len(l.configured().yaml) == 0 {
			t.Errorf("%q: %v %v, want lexicon %q from %s", tc.file, lx, err, tc.wantName, tc.wantFile)
			continue
		}
		eng, err := l.Compile(lx)
		if err != nil {
			t.Fatalf("%q: compile: %v", tc.file, err)
		}

		if tc.file == good {
			for rule, want := range map[string]time.Duration{"wechat": 45 * time.Second, "plain": 0, "nope": 0} {
				if got := l.Cooldown(alerter.Alert{RuleID: rule}); got != want {
					t.Errorf("cooldown of %s: %v, want %v", rule, got, want)
				}
			}
		}

		var active *version.Compiled // nothing active yet: still the configured one
		l.follow(func() *version.Compiled { return active })
		if got := l.InForce(); got != lx {
			t.Errorf("%q: before a version is active: %v, want the configured lexicon", tc.file, got)
		}
		other, err := lexicon.Parse("v2.yaml", []byte(strings.Replace(smallLexicon, "name: small", "name: published", 1)))
		if err != nil {
			t.Fatal(err)
		}
		otherEng, err := l.Compile(other)
		if err != nil {
			t.Fatal(err)
		}
		active = &version.Compiled{Engine: otherEng}
		if got := l.InForce(); got == nil || got.Name != "published" || got == eng.Lexicon() {
			t.Errorf("%q: with a version active: %v, want it", tc.file, got)
		}
	}
}
