package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

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
	format   string
	rate     int
	channels int
	realtime bool
}

func newScanCmd() *cobra.Command {
	var o scanOpts
	cmd := &cobra.Command{
		Use:   "scan [flags] (--text TEXT | FILE.wav | -)",
		Short: "Run one input through recognizer and lexicon, without NATS, and print detections",
		Long: "scan matches text (--text), a WAV file, or raw 16-bit PCM on stdin (-, with --rate\n" +
			"and --channels) against the lexicon and prints one detection per line.",
		Args: cobra.MaximumNArgs(1),
	}
	cf := addConfigFlags(cmd)
	f := cmd.Flags()
	f.StringVar(&o.text, "text", "", "text to scan instead of audio")
	f.StringVar(&o.format, "format", "text", "output: text or jsonl")
	f.IntVar(&o.rate, "rate", 16000, "sample rate of raw PCM on stdin")
	f.IntVar(&o.channels, "channels", 1, "channels of raw PCM on stdin")
	f.BoolVar(&o.realtime, "realtime", false, "pace audio in real time, as a live room")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		cfg, err := cf.load(cmd)
		if err != nil {
			return err
		}
		sink, err := scanSink(cmd.OutOrStdout(), o.format)
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
		case o.text != "" && len(args) > 0:
			return errors.New("scan: give --text or an audio file, not both")
		case o.text != "":
			return scanText(cmd.Context(), sink, room, pipeline.Static(eng), o.text)
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

func scanSink(w io.Writer, format string) (alerter.Sink, error) {
	switch format {
	case "jsonl":
		return alerter.NewWriter(w, alerter.JSONLines), nil
	case "text":
		return &textSink{w: w}, nil
	}
	return nil, fmt.Errorf("scan: --format %q: want text or jsonl", format)
}

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

// textSink prints detections for people: where, what, why, what to say.
type textSink struct{ w io.Writer }

func (t *textSink) Send(_ context.Context, a alerter.Alert) error {
	_, err := fmt.Fprintf(t.w, "%s-%s  %-15s %-8s %-24s %q (via %s)\n    reminder: %s\n",
		clock(a.StartMs), clock(a.EndMs), a.Category, a.Severity, a.RuleID, a.MatchedText, a.Via, a.Reminder)
	return err
}

func (t *textSink) Close() error { return nil }

func clock(ms int64) string {
	return fmt.Sprintf("%02d:%02d.%d", ms/60000, ms/1000%60, ms%1000/100)
}
