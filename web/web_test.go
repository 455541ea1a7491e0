package web

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestPagesAreSelfContained: every page and asset is embedded, and none
// refers to another origin (the console must work without internet).
func TestPagesAreSelfContained(t *testing.T) {
	fsys := Static()
	for _, name := range []string{"index.html", "overlay.html", "console.css", "overlay.css", "console.js", "overlay.js"} {
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
