package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/transcript/sphinx"
)

// TestEngines runs in both builds (internal/archtest runs it without cgo):
// with cgo every engine is offered; without, sphinx and kws are reported
// unavailable, in the flag help and as an error naming the build.
func TestEngines(t *testing.T) {
	if sphinx.Available {
		if off := UnavailableEngines(); off != nil {
			t.Errorf("cgo build lacks %v", off)
		}
		if got, want := EnginesHelp(), strings.Join(config.Engines, ", "); got != want {
			t.Errorf("EnginesHelp() = %q, want %q", got, want)
		}
		for _, e := range config.Engines {
			if err := engineAvailable(e); err != nil {
				t.Errorf("engine %s: %v", e, err)
			}
		}
		return
	}
	if off := UnavailableEngines(); !slices.Equal(off, []string{"sphinx", "kws"}) {
		t.Errorf("UnavailableEngines() = %v", off)
	}
	cfg := config.Default()
	for _, e := range []string{"sphinx", "kws"} {
		cfg.Recognizer.Engine = e
		want := "recognizer " + e + " is not available in this build (built without cgo); use openai, vosk, sherpa, replay or none"
		if _, err := NewRecognizer(cfg, testutil.Quiet()); err == nil || err.Error() != want {
			t.Errorf("NewRecognizer(%s) = %v, want %q", e, err, want)
		}
	}
	cfg.Recognizer.Engine, cfg.Recognizer.Also = "none", "kws"
	if _, err := NewRecognizer(cfg, testutil.Quiet()); err == nil || !strings.Contains(err.Error(), "recognizer kws is not available") {
		t.Errorf("recognizer.also kws: %v", err)
	}
	if _, err := NewRecognizer(config.Config{Recognizer: config.Recognizer{Engine: "none"}}, testutil.Quiet()); err != nil {
		t.Errorf("engine none without cgo: %v", err)
	}
}
