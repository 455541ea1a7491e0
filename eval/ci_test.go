package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/pipeline"
)

// thresholds is testdata/accuracy-thresholds.json.
type thresholds struct {
	Corpus struct {
		Seed   uint64      `json:"seed"`
		Clips  int         `json:"clips"`
		SNR    float64     `json:"snr_db"`
		Voices []tts.Voice `json:"voices"`
	} `json:"corpus"`
	MinRecall          float64 `json:"min_recall"`
	MaxFalseAlarmsHour float64 `json:"max_false_alarms_per_hour"`
	MinTextRecall      float64 `json:"min_text_recall"`
	MinTextPrecision   float64 `json:"min_text_precision"`
}

// TestAccuracyGate generates a small corpus from fixed seeds, runs it
// through the real pipeline with PocketSphinx and the default lexicon, and
// fails if recall or the false-alarm rate regress past the checked-in
// thresholds.
func TestAccuracyGate(t *testing.T) {
	if testing.Short() {
		t.Skip("accuracy gate: skipped in -short")
	}
	var th thresholds
	data, err := os.ReadFile("../testdata/accuracy-thresholds.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &th); err != nil {
		t.Fatalf("accuracy-thresholds.json: %v", err)
	}
	for _, v := range th.Corpus.Voices {
		testutil.Need(t, tts.Check(v))
	}
	cfg := config.Default()
	rec, err := app.NewRecognizer(cfg, testutil.Quiet())
	if err != nil {
		testutil.Need(t, fmt.Errorf("no PocketSphinx: %w", err))
	}
	defer rec.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	if _, err := Generate(ctx, GenOptions{Out: dir, Voices: th.Corpus.Voices, SNRs: []float64{th.Corpus.SNR},
		Seed: th.Corpus.Seed, Clips: th.Corpus.Clips}); err != nil {
		t.Fatal(err)
	}
	c, err := LoadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	log := testutil.Quiet()
	eng, err := app.LoadMatcher(cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, c, Options{Recognizer: rec, Matcher: pipeline.Static(eng),
		NewSegmenter: app.NewSegmenter, Parallel: 2, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	out, _ := json.MarshalIndent(rep, "", "  ")
	_ = os.WriteFile(filepath.Join(dir, "report.json"), out, 0o644)
	t.Logf("audio: %s over %.1f min; text: recall %.3f precision %.3f",
		rep.Summary(), rep.AudioHours*60, rep.Text.Recall, rep.Text.Precision)
	if rep.Recall < th.MinRecall {
		t.Errorf("recall %.3f < threshold %.3f", rep.Recall, th.MinRecall)
	}
	if rep.FalseAlarmsPerHour > th.MaxFalseAlarmsHour {
		t.Errorf("false alarms %.1f/h > threshold %.1f/h", rep.FalseAlarmsPerHour, th.MaxFalseAlarmsHour)
	}
	if rep.Text.Recall < th.MinTextRecall || rep.Text.Precision < th.MinTextPrecision {
		t.Errorf("text recall %.3f precision %.3f < thresholds %.3f %.3f (misses: %v)",
			rep.Text.Recall, rep.Text.Precision, th.MinTextRecall, th.MinTextPrecision, rep.Text.Misses)
	}
	if t.Failed() {
		for _, r := range rep.Cases {
			t.Logf("%s expect %v got %+v", r.Name, r.Expect, r.Detections)
		}
	}
}
