package app

import (
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/kws"
	"github.com/earshot/earshot/transcript/multi"
	"github.com/earshot/earshot/transcript/openai"
	"github.com/earshot/earshot/transcript/replay"
	"github.com/earshot/earshot/transcript/sherpa"
	"github.com/earshot/earshot/transcript/sphinx"
	"github.com/earshot/earshot/transcript/vosk"
)

// UnavailableEngines are the recognizer engines this build cannot run:
// sphinx and kws are PocketSphinx, linked through cgo, so a build with
// CGO_ENABLED=0 (a deployment that uses a remote recognizer) lacks them.
func UnavailableEngines() []string {
	var out []string
	if !sphinx.Available {
		out = append(out, "sphinx")
	}
	if !kws.Available {
		out = append(out, "kws")
	}
	return out
}

// EnginesHelp lists the engines for a flag's help, saying which ones this
// build lacks and why.
func EnginesHelp() string {
	out := availableEngines()
	if off := UnavailableEngines(); len(off) > 0 {
		return strings.Join(out, ", ") + " (" + strings.Join(off, ", ") + ": not available in this build, built without cgo)"
	}
	return strings.Join(out, ", ")
}

func availableEngines() []string {
	off := UnavailableEngines()
	var out []string
	for _, e := range config.Engines {
		if !slices.Contains(off, e) {
			out = append(out, e)
		}
	}
	return out
}

// engineAvailable explains why this build cannot run engine, naming the
// engines it can.
func engineAvailable(engine string) error {
	if !slices.Contains(UnavailableEngines(), engine) {
		return nil
	}
	ok := availableEngines()
	return fmt.Errorf("recognizer %s is not available in this build (built without cgo); use %s or %s",
		engine, strings.Join(ok[:len(ok)-1], ", "), ok[len(ok)-1])
}

// newRemoteRecognizer builds the recognizers that are not embedded: the
// server-backed ones and replay.
func newRemoteRecognizer(rc config.Recognizer, log *slog.Logger) (transcript.Recognizer, error) {
	var rec transcript.Recognizer
	var err error
	switch rc.Engine {
	case "openai":
		o := rc.OpenAI
		rec, err = openai.New(openai.Config{BaseURL: o.BaseURL, Model: o.Model, APIKey: o.APIKey,
			Language: o.Language, Concurrency: o.Concurrency, Timeout: time.Duration(o.Timeout),
			Retries: o.Retries, PartialEvery: time.Duration(o.PartialEvery), Logger: log})
	case "vosk":
		rec, err = vosk.New(vosk.Config{URL: rc.Vosk.URL, Timeout: time.Duration(rc.Vosk.Timeout), Logger: log})
	case "sherpa":
		rec, err = sherpa.New(sherpa.Config{URL: rc.Sherpa.URL, Timeout: time.Duration(rc.Sherpa.Timeout), Logger: log})
	case "replay":
		var lines []replay.Line
		if lines, err = replay.Load(rc.Replay.File); err == nil {
			rec = replay.New(lines, replay.WithLogger(log))
		}
	default:
		err = fmt.Errorf("not a remote engine")
	}
	if err != nil {
		return nil, fmt.Errorf("recognizer %s: %w", rc.Engine, err)
	}
	return rec, nil
}

// newPair builds recognizer.engine and recognizer.also and runs both on
// the same audio.
func newPair(cfg config.Config, lex *lexiconLoader, log *slog.Logger) (transcript.Recognizer, error) {
	first, second := cfg, cfg
	first.Recognizer.Also = ""
	second.Recognizer.Engine, second.Recognizer.Also = cfg.Recognizer.Also, ""
	a, err := newRecognizer(first, lex, log)
	if err != nil {
		return nil, err
	}
	b, err := newRecognizer(second, lex, log)
	if err != nil {
		_ = a.Close()
		return nil, err
	}
	m, err := multi.NewWith(multi.Options{Logger: log}, a, b)
	if err != nil {
		_ = a.Close()
		_ = b.Close()
		return nil, fmt.Errorf("recognizer.also: %w", err)
	}
	return m, nil
}

// newKWS builds the keyword spotter. It spots the phrases of the lexicon
// in force (lex: the configured one, or in serve the active version): at
// each utterance start it compares that lexicon's keyphrases with its own
// and rebuilds its decoders in the background when they differ.
func newKWS(cfg config.Config, lex *lexiconLoader, log *slog.Logger) (transcript.Recognizer, error) {
	if _, err := lex.Lexicon(); err != nil {
		return nil, fmt.Errorf("recognizer kws: %w", err)
	}
	kc := kws.Config{Phrases: (&kwsSource{lexicon: lex.InForce}).Phrases, HMM: cfg.Recognizer.Sphinx.HMM, Dict: cfg.Recognizer.Sphinx.Dict,
		Logger: log}
	if f := cfg.Recognizer.KWS.Thresholds; f != "" {
		th, err := kws.LoadThresholds(f)
		if err != nil {
			return nil, fmt.Errorf("recognizer.kws.thresholds: %w", err)
		}
		kc.Thresholds = &th
	}
	rec, err := kws.New(kc)
	if err != nil {
		return nil, fmt.Errorf("recognizer kws: %w", err)
	}
	return rec, nil
}
