package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/earshot/earshot/lexicon"
)

// TestPagesAreSelfContained: every page and asset is embedded, and none
// refers to another origin (the console must work without internet).
func TestPagesAreSelfContained(t *testing.T) {
	fsys := Static()
	for _, name := range []string{"index.html", "overlay.html", "console.css", "overlay.css", "console.js", "overlay.js", "i18n.js", "i18n/common.json"} {
		if _, err := fs.Stat(fsys, name); err != nil {
			t.Errorf("%s not embedded: %v", name, err)
		}
	}
	external := regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?(https?:)?//|@import\s+url\(\s*["']?https?:|from\s+["']https?:`)
	err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(fsys, path)
		if err != nil {
			return err
		}
		if m := external.Find(data); m != nil {
			t.Errorf("%s refers to another origin: %q", path, m)
		}
		if strings.HasSuffix(path, ".js") && strings.Contains(string(data), "innerHTML =") {
			t.Errorf("%s assigns innerHTML: build nodes instead (text from the API is untrusted)", path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestPagesDoNotHardCodeVocabularies: the pages read categories and
// severities from GET /v1/lexicons/schema, so no script or page names a
// category, lists severities, or falls back to one (the stylesheets may
// colour each severity: that is presentation, not a list).
func TestPagesDoNotHardCodeVocabularies(t *testing.T) {
	var cats, sevs []string
	for _, c := range lexicon.Categories() {
		cats = append(cats, regexp.QuoteMeta(c.ID))
	}
	for _, s := range lexicon.Severities() {
		sevs = append(sevs, regexp.QuoteMeta(s.ID))
	}
	sev := "(?:" + strings.Join(sevs, "|") + ")"
	forbidden := []*regexp.Regexp{
		regexp.MustCompile(`(?:` + strings.Join(cats, "|") + `)`),           // a category, anywhere
		regexp.MustCompile(`['"]` + sev + `['"]\s*,\s*['"]` + sev + `['"]`), // a list of severities
		regexp.MustCompile(`>\s*` + sev + `\s*<`),                           // an <option> of one
		regexp.MustCompile(`\|\|\s*['"]` + sev + `['"]`),                    // a fallback to one
	}
	err := fs.WalkDir(Static(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".html")) {
			return err
		}
		data, err := fs.ReadFile(Static(), path)
		if err != nil {
			return err
		}
		for _, re := range forbidden {
			if m := re.Find(data); m != nil {
				t.Errorf("%s hard-codes a vocabulary the schema serves: %q", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
