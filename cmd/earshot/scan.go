package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/rawpcm"
	"github.com/earshot/earshot/ingest/wavfile"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

type scanOpts struct {
	text     string
	lines    string
	format   string
	rate     int
	channels int
	realtime bool
}

func newScanCmd() *cobra.Command {
	var o scanOpts
	cmd := &cobra.Command{
		Use:   "scan [flags] (--text TEXT | --lines FILE|- | FILE.wav | -)",
		Short: "Run one input through recognizer and lexicon, without NATS, and print detections",
		Long: "scan matches text (--text), a file of sentences, one utterance per line (--lines FILE,\n" +
			"or - for stdin), a WAV file, or raw 16-bit PCM on stdin (-, with --rate and --channels)\n" +
			"against the lexicon and prints one detection per line; with --lines each names its line\n" +
			"(\"line\", from 1, in jsonl).",
		Args: cobra.MaximumNArgs(1),
	}
	cf := addConfigFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.text, "text", "", "text to scan instead of audio")
	f.StringVar(&o.lines, "lines", "", "file of sentences to scan, one utterance per line (- for stdin)")
	f.StringVar(&o.format, "format", "text", "output: text or jsonl")
	f.IntVar(&o.rate, "rate", 16000, "sample rate of raw PCM on stdin")
	f.IntVar(&o.channels, "channels", 1, "channels of raw PCM on stdin")
	f.BoolVar(&o.realtime, "realtime", false, "pace audio in real time, as a live room")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		sink, err := scanSink(cmd.OutOrStdout(), o.format, o.lines != "")
		if err != nil {
			return err
		}
		log := newLogger(cfg.LogLevel)
		if cfg.LogLevel == "info" {
			log = newLogger("warn") // keep stdout/stderr for detections
		}
		eng, err := app.LoadMatcher(cfg, log)
		if err != nil {
			return err
		}
		room := pipeline.Room{ID: "scan"}
		switch {
		case count(o.text != "", o.lines != "", len(args) > 0) > 1:
			return errors.New("scan: give one of --text, --lines or an audio file")
		case o.text != "":
			return scanText(cmd.Context(), sink, room, pipeline.Static(eng), o.text)
		case o.lines != "":
			return scanLines(cmd.Context(), sink, room, pipeline.Static(eng), o.lines, cmd.InOrStdin())
		case len(args) == 0:
			return errors.New("scan: nothing to scan: give --text TEXT, FILE.wav or -")
		}
		src, err := scanSource(args[0], o, cmd.InOrStdin())
		if err != nil {
			return err
		}
		rec, err := app.NewRecognizer(cfg, log)
		if err != nil {
			return err
		}
		defer rec.Close()
		// A file is read faster than it is recognized: wait, never drop.
		s := &pipeline.Session{Room: room, Source: src, Lossless: !o.realtime}
		return pipeline.Run(cmd.Context(), s, pipeline.Config{
			Recognizer: rec, Matcher: pipeline.Static(eng), Sink: sink,
			NewSegmenter: app.NewSegmenter, Logger: log,
		})
	}
	return cmd
}

func scanSink(w io.Writer, format string, lines bool) (alerter.Sink, error) {
	switch format {
	case "jsonl":
		return &jsonlSink{w: w, lines: lines}, nil
	case "text":
		return &textSink{w: w, lines: lines}, nil
	}
	return nil, fmt.Errorf("scan: --format %q: want text or jsonl", format)
}

// scanLines scans every line of a file (or stdin) as one utterance; the
// utterance number is the line number, which the sinks print.
func scanLines(ctx context.Context, sink alerter.Sink, room pipeline.Room, m pipeline.MatcherFunc, path string, stdin io.Reader) error {
	r := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		defer f.Close()
		r = f
	}
	sc, err := pipeline.NewScanner(pipeline.ScanConfig{Matcher: m, Sink: sink})
	if err != nil {
		return err
	}
	in := bufio.NewScanner(r)
	in.Buffer(make([]byte, 64*1024), maxScanLine)
	var errs []error
	for n := 1; in.Scan(); n++ {
		text := in.Text()
		if n == 1 {
			text = strings.TrimPrefix(text, "\ufeff") // a byte-order mark: Windows editors write one
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		if _, err := sc.Scan(ctx, pipeline.Heard{Room: room, Session: "lines",
			Hypothesis: transcript.Hypothesis{Utterance: uint64(n), Final: true, Text: text}}); err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", n, err))
		}
	}
	if err := in.Err(); err != nil {
		errs = append(errs, fmt.Errorf("scan: reading %s: %w", path, err))
	}
	return errors.Join(errs...)
}

// count is how many of bs are true.
func count(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// maxScanLine bounds one line of --lines input (1 MiB): an utterance is a
// sentence, not a file.
const maxScanLine = 1 << 20

// jsonlSink prints one JSON object per hit: a grouped alert (one per
// sentence) becomes a line for each rule it lists, each with that rule's
// fields at the top level, so `scan --format jsonl` keeps its contract.
// With --lines each object also names its input line.
type jsonlSink struct {
	mu    sync.Mutex
	w     io.Writer
	lines bool
}

type lineAlert struct {
	alerter.Alert
	Line uint64 `json:"line,omitempty"`
}

func (s *jsonlSink) Send(_ context.Context, a alerter.Alert) error {
	if err := a.Validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, hit := range a.AllHits() {
		out := lineAlert{Alert: a.ForHit(hit)}
		if s.lines {
			out.Line = a.Utterance
		}
		b, err := json.Marshal(out)
		if err != nil {
			return fmt.Errorf("scan: %w", err)
		}
		if _, err := s.w.Write(append(b, '\n')); err != nil {
			return fmt.Errorf("scan: %w", err)
		}
	}
	return nil
}

func (s *jsonlSink) Close() error { return nil }

// scanText runs text down the same path as a room's speech.
func scanText(ctx context.Context, sink alerter.Sink, room pipeline.Room, m pipeline.MatcherFunc, text string) error {
	sc, err := pipeline.NewScanner(pipeline.ScanConfig{Matcher: m, Sink: sink})
	if err != nil {
		return err
	}
	_, err = sc.Scan(ctx, pipeline.Heard{Room: room, Session: "text",
		Hypothesis: transcript.Hypothesis{Utterance: 1, Final: true, Text: text}})
	return err
}

func scanSource(arg string, o scanOpts, stdin io.Reader) (ingest.Source, error) {
	if arg == "-" {
		return rawpcm.New(stdin, "stdin", rawpcm.Options{SampleRate: o.rate, Channels: o.channels, Realtime: o.realtime})
	}
	if !strings.HasSuffix(strings.ToLower(arg), ".wav") {
		if _, err := os.Stat(arg); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
	}
	return wavfile.Open(arg, wavfile.Options{Realtime: o.realtime})
}

// textSink prints detections for people: where, what, why, what to say;
// a sentence breaking several rules is printed once with each rule.
type textSink struct {
	w     io.Writer
	lines bool
}

func (t *textSink) Send(_ context.Context, a alerter.Alert) error {
	hits := a.AllHits()
	if len(hits) > 1 || t.lines {
		where := ""
		if t.lines {
			where = fmt.Sprintf("line %d: ", a.Utterance)
		}
		if _, err := fmt.Fprintf(t.w, "%s%q\n", where, a.Context); err != nil {
			return err
		}
	}
	for _, h := range hits {
		if _, err := fmt.Fprintf(t.w, "%s-%s  %-15s %-8s %-24s %q (via %s)\n    reminder: %s\n",
			clock(h.StartMs), clock(h.EndMs), h.Category, h.Severity, h.RuleID, h.MatchedText, h.Via, h.Reminder); err != nil {
			return err
		}
	}
	return nil
}

func (t *textSink) Close() error { return nil }

func clock(ms int64) string {
	return fmt.Sprintf("%02d:%02d.%d", ms/60000, ms/1000%60, ms%1000/100)
}
