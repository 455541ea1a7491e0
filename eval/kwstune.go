package eval

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/earshot/earshot/ingest/segment"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript/kws"
)

// DefaultKWSBands are the phone-count bands tuned by TuneKWS: about 190,
// 490, 550 and 420 of the default lexicon's keyphrases.
var DefaultKWSBands = []int{8, 11, 14, 99}

// DefaultKWSGrid are the thresholds tried, strictest first.
var DefaultKWSGrid = []float64{1e-5, 1e-10, 1e-15, 1e-20, 1e-25, 1e-30, 1e-35, 1e-40}

// TuneOptions configure TuneKWS.
type TuneOptions struct {
	// Phrases are the lexicon's phrases to spot (app.KWSPhrases); Matcher
	// the lexicon's compiled engine, which turns spotted phrases into
	// alerts.
	Phrases *kws.Phrases
	Matcher pipeline.MatcherFunc
	HMM     string
	Dict    string
	// Bands (max phones) and Grid (thresholds, strictest first) default
	// to DefaultKWSBands and DefaultKWSGrid.
	Bands []int
	Grid  []float64
	// BudgetPerHour bounds false alarms per clean hour of the whole table;
	// each band gets an equal share.
	BudgetPerHour float64
	NewSegmenter  func() segment.Segmenter
	Parallel      int
	Logger        *slog.Logger
	// Progress, if set, gets each grid point as it is measured.
	Progress func(TuneRow)
}

// TuneRow is one grid point: one band spotting alone at one threshold.
type TuneRow struct {
	MaxPhones   int     `json:"max_phones"`
	Threshold   float64 `json:"threshold"`
	Phrases     int     `json:"phrases"`
	Detected    int     `json:"detected"`
	Labels      int     `json:"labels"`
	FalseAlarms int     `json:"false_alarms"`
	FAPerHour   float64 `json:"false_alarms_per_hour"`
}

// TuneKWS chooses a threshold per phone-count band on corpus c (a train
// split): each band spots alone, through the real segmenter, keyword
// decoder and lexicon, at each grid threshold from the strictest; the
// band takes the threshold that detects the most labels within its share
// of the false-alarm budget (the strictest on ties), or is switched off
// when none detects anything within it. Looser thresholds are not tried
// once a band exceeds its share. Bands are tuned one at a time because a
// keyword search clears every phrase after any detection, so bands do
// interact a little: measure the chosen table as a whole afterwards.
func TuneKWS(ctx context.Context, c *Corpus, o TuneOptions) (kws.Thresholds, []TuneRow, error) {
	if o.Phrases == nil || o.Matcher == nil {
		return kws.Thresholds{}, nil, errors.New("eval: tune kws: Phrases and Matcher are required")
	}
	if len(o.Bands) == 0 {
		o.Bands = DefaultKWSBands
	}
	if len(o.Grid) == 0 {
		o.Grid = DefaultKWSGrid
	}
	audio := &Corpus{Dir: c.Dir, Audio: c.Audio}
	share := o.BudgetPerHour / float64(len(o.Bands))
	out := kws.Thresholds{}
	var rows []TuneRow
	for i, maxPh := range o.Bands {
		best := TuneRow{MaxPhones: maxPh}
		for _, t := range o.Grid {
			row, err := tunePoint(ctx, audio, o, i, t)
			if err != nil {
				return kws.Thresholds{}, rows, err
			}
			rows = append(rows, row)
			if o.Progress != nil {
				o.Progress(row)
			}
			if row.FAPerHour > share {
				break
			}
			if row.Detected > best.Detected {
				best = row
			}
		}
		out.Bands = append(out.Bands, kws.Band{MaxPhones: maxPh, Threshold: best.Threshold})
	}
	return out, rows, nil
}

// tunePoint measures band i alone at threshold t.
func tunePoint(ctx context.Context, c *Corpus, o TuneOptions, band int, t float64) (TuneRow, error) {
	th := kws.Thresholds{}
	for j, maxPh := range o.Bands {
		b := kws.Band{MaxPhones: maxPh}
		if j == band {
			b.Threshold = t
		}
		th.Bands = append(th.Bands, b)
	}
	ph := o.Phrases
	rec, err := kws.New(kws.Config{Phrases: func() *kws.Phrases { return ph },
		HMM: o.HMM, Dict: o.Dict, Thresholds: &th, Logger: o.Logger})
	if err != nil {
		return TuneRow{}, fmt.Errorf("eval: tune kws: %w", err)
	}
	defer rec.Close()
	rep, err := Run(ctx, c, Options{Recognizer: rec, Matcher: o.Matcher,
		NewSegmenter: o.NewSegmenter, Parallel: o.Parallel, Logger: o.Logger})
	if err != nil {
		return TuneRow{}, err
	}
	return TuneRow{MaxPhones: o.Bands[band], Threshold: t, Phrases: len(rec.Phrases()),
		Detected: rep.Detected, Labels: rep.Labels, FalseAlarms: rep.FalseAlarms,
		FAPerHour: rep.FalseAlarmsPerHour}, nil
}
