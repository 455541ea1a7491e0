package web

import (
	"encoding/json"
	"io/fs"
	"maps"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// langs are the languages every page dictionary carries (i18n.js LANGS).
var langs = []string{"en", "zh-CN"}

// dictionaries reads every static/i18n/*.json: {lang: {key: text}}.
func dictionaries(t *testing.T) map[string]map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]map[string]any{}
	names, err := fs.Glob(Static(), "i18n/*.json")
	if err != nil || len(names) == 0 {
		t.Fatalf("no dictionaries in static/i18n (%v)", err)
	}
	for _, name := range names {
		data, err := fs.ReadFile(Static(), name)
		if err != nil {
			t.Fatal(err)
		}
		var d map[string]map[string]any
		if err := json.Unmarshal(data, &d); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		out[name] = d
	}
	return out
}

// TestDictionariesAreComplete: each page dictionary has the same keys in
// Chinese and English, every key under its page's prefix (so two pages
// never define one key), and no empty text.
func TestDictionariesAreComplete(t *testing.T) {
	seen := map[string]string{}
	for name, d := range dictionaries(t) {
		page := strings.TrimSuffix(strings.TrimPrefix(name, "i18n/"), ".json")
		for l := range d {
			if !slices.Contains(langs, l) {
				t.Errorf("%s: unknown language %q (want %v)", name, l, langs)
			}
		}
		en := keys(d["en"])
		for _, l := range langs[1:] {
			if got := keys(d[l]); strings.Join(got, ",") != strings.Join(en, ",") {
				t.Errorf("%s: %s keys differ from en: missing %v, extra %v", name, l, minus(en, got), minus(got, en))
			}
		}
		for _, l := range langs {
			for k, v := range d[l] {
				if !strings.HasPrefix(k, page+".") {
					t.Errorf("%s: key %q is not under %q", name, k, page+".")
				}
				if s, ok := v.(string); ok && strings.TrimSpace(s) == "" {
					t.Errorf("%s: %s %q is empty", name, l, k)
				}
				if other, dup := seen[l+" "+k]; dup && other != name {
					t.Errorf("key %q in both %s and %s", k, name, other)
				}
				seen[l+" "+k] = name
			}
		}
	}
}

// TestPagesUseKnownKeys: every key a page names (data-i18n, data-i18n-attr,
// t('…'), parts('…')) has text in a dictionary.
func TestPagesUseKnownKeys(t *testing.T) {
	known := map[string]bool{}
	for _, d := range dictionaries(t) {
		for k := range d["en"] {
			known[k] = true
		}
	}
	uses := []*regexp.Regexp{
		regexp.MustCompile(`data-i18n="([^"]+)"`),
		regexp.MustCompile(`\b(?:t|parts)\('([a-z][\w-]*(?:\.[\w-]+)+)'`), // a literal key, not a prefix + variable
		regexp.MustCompile(`[\w-]+:([a-z][\w-]*\.[\w.-]+)`),               // inside data-i18n-attr
	}
	attr := regexp.MustCompile(`data-i18n-attr["']?[:=,]?\s*["']([^"']+)["']`)
	err := fs.WalkDir(Static(), ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || path == "i18n.js" || !(strings.HasSuffix(path, ".js") || strings.HasSuffix(path, ".html")) {
			return err // i18n.js names keys only in its usage comment
		}
		data, err := fs.ReadFile(Static(), path)
		if err != nil {
			return err
		}
		var found []string
		for _, m := range uses[0].FindAllSubmatch(data, -1) {
			found = append(found, string(m[1]))
		}
		for _, m := range uses[1].FindAllSubmatch(data, -1) {
			found = append(found, string(m[1]))
		}
		for _, a := range attr.FindAllSubmatch(data, -1) {
			for _, m := range uses[2].FindAllSubmatch(a[1], -1) {
				found = append(found, string(m[1]))
			}
		}
		for _, k := range found {
			if !known[k] {
				t.Errorf("%s uses i18n key %q that no dictionary has", path, k)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func keys(m map[string]any) []string { return slices.Sorted(maps.Keys(m)) }

func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
