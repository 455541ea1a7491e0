package multi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/earshot/earshot/transcript"
)

// Recognizer fans audio out to several recognizers.
type Recognizer struct {
	recs []transcript.Recognizer
	log  *slog.Logger
}

// Options tune a Recognizer.
type Options struct {
	// Logger receives which engine failed when one of them returns an
	// error (the error itself is returned as well); default: discarded.
	Logger *slog.Logger
}

var (
	_ transcript.Recognizer   = (*Recognizer)(nil)
	_ transcript.ErrorCounter = (*Recognizer)(nil)
)

// New combines recs; their names must differ, so hypotheses stay
// attributable.
func New(recs ...transcript.Recognizer) (*Recognizer, error) {
	return NewWith(Options{}, recs...)
}

// NewWith is New with opts.
func NewWith(opts Options, recs ...transcript.Recognizer) (*Recognizer, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if len(recs) < 2 {
		return nil, errors.New("multi: want at least two recognizers")
	}
	seen := map[string]bool{}
	for _, r := range recs {
		if seen[r.Name()] {
			return nil, fmt.Errorf("multi: recognizer %q twice", r.Name())
		}
		seen[r.Name()] = true
	}
	return &Recognizer{recs: recs, log: opts.Logger}, nil
}

// Name joins the names with "+".
func (m *Recognizer) Name() string {
	names := make([]string, len(m.recs))
	for i, r := range m.recs {
		names[i] = r.Name()
	}
	return strings.Join(names, "+")
}

// Open opens a stream on each recognizer. Utterance numbers of engine i
// become n*len+i, so the Detector never mixes two engines' utterances
// (each engine's hits are deduplicated within its own utterance).
func (m *Recognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	if emit == nil {
		return nil, errors.New("multi: nil emit")
	}
	s := &stream{log: m.log}
	k := uint64(len(m.recs))
	for i, r := range m.recs {
		name := r.Name()
		sub, err := r.Open(ctx, func(h transcript.Hypothesis) {
			h.Utterance = h.Utterance*k + uint64(i)
			h.Recognizer = name
			emit(h)
		})
		if err != nil {
			_ = s.Close()
			return nil, fmt.Errorf("multi: open %s: %w", name, err)
		}
		s.subs, s.names = append(s.subs, sub), append(s.names, name)
	}
	return s, nil
}

// Errors adds up the errors of the recognizers that count theirs
// (transcript.ErrorCounter).
func (m *Recognizer) Errors() uint64 {
	var n uint64
	for _, r := range m.recs {
		if ec, ok := r.(transcript.ErrorCounter); ok {
			n += ec.Errors()
		}
	}
	return n
}

// Close closes every recognizer.
func (m *Recognizer) Close() error {
	var errs []error
	for _, r := range m.recs {
		errs = append(errs, r.Close())
	}
	return errors.Join(errs...)
}

type stream struct {
	subs  []transcript.Stream
	names []string // engine of each sub-stream
	log   *slog.Logger
}

func (s *stream) each(f func(transcript.Stream) error) error {
	var errs []error
	for i, sub := range s.subs {
		if err := f(sub); err != nil {
			s.log.Warn("multi: engine failed", "engine", s.names[i], "err", err)
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

func (s *stream) Write(pcm []int16, offset time.Duration) error {
	return s.each(func(t transcript.Stream) error { return t.Write(pcm, offset) })
}

func (s *stream) EndUtterance() error {
	return s.each(func(t transcript.Stream) error { return t.EndUtterance() })
}

func (s *stream) Close() error {
	return s.each(func(t transcript.Stream) error { return t.Close() })
}
