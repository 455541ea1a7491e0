package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/lexicon"
)

func TestKWSRecognizer(t *testing.T) {
	cfg := config.Default()
	if _, err := os.Stat(cfg.Recognizer.Sphinx.Dict); err != nil {
		t.Skip(err)
	}
	cfg.Recognizer.Also = "kws"
	rec, err := NewRecognizer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if rec.Name() != "sphinx+kws" {
		t.Errorf("name %q", rec.Name())
	}
	_ = rec.Close()

	bad := filepath.Join(t.TempDir(), "th.json")
	if err := os.WriteFile(bad, []byte(`{"bands":[{"max_phones":8,"threshold":2}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.Recognizer.Engine, cfg.Recognizer.Also, cfg.Recognizer.KWS.Thresholds = "kws", "", bad
	if _, err := NewRecognizer(cfg); err == nil || !strings.Contains(err.Error(), "recognizer.kws.thresholds") {
		t.Errorf("bad thresholds file: %v", err)
	}
	cfg.Recognizer.KWS.Thresholds = ""
	calls := 0
	rec, err = newRecognizer(cfg, func() *lexicon.Lexicon { calls++; return nil })
	if err != nil {
		t.Fatal(err)
	}
	defer rec.Close()
	if calls == 0 {
		t.Error("the lexicon in force was not consulted")
	}
}
