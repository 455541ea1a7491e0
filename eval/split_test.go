package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSplit(t *testing.T) {
	dir := t.TempDir()
	c := &Corpus{Dir: dir, Audio: []AudioCase{{Name: "c000"}, {Name: "c001"}, {Name: "c002"}},
		Text: []TextCase{{Text: "x"}}}
	if _, err := c.Split("train"); err == nil || !strings.Contains(err.Error(), "manifest.json") {
		t.Errorf("no manifest: %v", err)
	}
	manifest := `[{"name":"c000","split":"train"},{"name":"c001","split":"test"},{"name":"c002","split":"train"}]`
	if err := os.WriteFile(filepath.Join(dir, "manifest.json"), []byte(manifest), 0o644); err != nil {
		t.Fatal(err)
	}
	for split, want := range map[string][]string{"train": {"c000", "c002"}, "test": {"c001"}} {
		got, err := c.Split(split)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, a := range got.Audio {
			names = append(names, a.Name)
		}
		if strings.Join(names, ",") != strings.Join(want, ",") || len(got.Text) != 1 {
			t.Errorf("%s: %v, text %d", split, names, len(got.Text))
		}
	}
	if _, err := c.Split("dev"); err == nil {
		t.Error("split dev accepted")
	}
	c.Audio = append(c.Audio, AudioCase{Name: "c999"})
	if _, err := c.Split("test"); err == nil || !strings.Contains(err.Error(), "c999") {
		t.Errorf("case missing from the manifest: %v", err)
	}
	if m := Merge(c, &Corpus{Audio: []AudioCase{{Name: "z"}}}); len(m.Audio) != 5 || m.Dir != dir {
		t.Errorf("Merge: %+v", m)
	}
}
