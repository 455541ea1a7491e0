package replay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/earshot/earshot/transcript"
)

// Line is one transcript of the replay file.
type Line struct {
	StartMs int64  `json:"start_ms"`
	EndMs   int64  `json:"end_ms"`
	Text    string `json:"text"`
	// Final defaults to true when absent.
	Final *bool `json:"final,omitempty"`
}

func (l Line) final() bool { return l.Final == nil || *l.Final }

// ParseLine decodes and checks one JSONL line.
func ParseLine(b []byte) (Line, error) {
	var l Line
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Line{}, fmt.Errorf("replay: %w", err)
	}
	if dec.More() {
		return Line{}, errors.New("replay: trailing data after the JSON object")
	}
	switch {
	case strings.TrimSpace(l.Text) == "":
		return Line{}, errors.New(`replay: "text" is empty`)
	case l.StartMs < 0 || l.EndMs < l.StartMs:
		return Line{}, fmt.Errorf("replay: bad span start_ms %d end_ms %d", l.StartMs, l.EndMs)
	case l.EndMs > int64(1000*time.Hour/time.Millisecond):
		return Line{}, fmt.Errorf("replay: end_ms %d beyond 1000 hours", l.EndMs)
	}
	return l, nil
}

// Load reads a JSONL file; blank lines and lines starting with # are
// skipped.
func Load(path string) ([]Line, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	defer f.Close()
	var out []Line
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for n := 1; sc.Scan(); n++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 || b[0] == '#' {
			continue
		}
		l, err := ParseLine(b)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, l)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("replay: %s: %w", path, err)
	}
	return out, nil
}

// Recognizer replays Lines to every stream it opens.
type Recognizer struct {
	lines []Line
	log   *slog.Logger
}

var _ transcript.Recognizer = (*Recognizer)(nil)

// Option tunes a Recognizer.
type Option func(*Recognizer)

// WithLogger sends the recognizer's events (a stream closed, and how many
// of its lines it emitted) to log; default: discarded.
func WithLogger(log *slog.Logger) Option {
	return func(r *Recognizer) {
		if log != nil {
			r.log = log
		}
	}
}

// New replays lines, ordered by end time.
func New(lines []Line, opts ...Option) *Recognizer {
	l := append([]Line(nil), lines...)
	sort.SliceStable(l, func(i, j int) bool { return l[i].EndMs < l[j].EndMs })
	r := &Recognizer{lines: l, log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(r)
	}
	return r
}

// Name is "replay".
func (r *Recognizer) Name() string { return "replay" }

// Open starts a stream at the first line.
func (r *Recognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	if emit == nil {
		return nil, errors.New("replay: nil emit")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("replay: open: %w", err)
	}
	return &stream{lines: r.lines, emit: emit, log: r.log}, nil
}

// Close does nothing.
func (r *Recognizer) Close() error { return nil }

type stream struct {
	lines []Line
	emit  transcript.Emit
	log   *slog.Logger

	mu     sync.Mutex
	closed bool
	next   int
	utt    uint64
	pos    time.Duration // end of the audio written so far
}

// ErrClosed is returned by a closed stream.
var ErrClosed = errors.New("replay: stream closed")

func (s *stream) Write(pcm []int16, offset time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.pos = max(s.pos, offset+time.Duration(len(pcm))*time.Second/16000)
	s.flush(func(l Line) bool { return time.Duration(l.EndMs)*time.Millisecond <= s.pos })
	return nil
}

func (s *stream) flush(due func(Line) bool) {
	for s.next < len(s.lines) && due(s.lines[s.next]) {
		l := s.lines[s.next]
		s.next++
		fin := l.final()
		s.emit(transcript.Hypothesis{Utterance: s.utt + 1, Final: fin, Text: strings.TrimSpace(l.Text),
			Start: time.Duration(l.StartMs) * time.Millisecond, End: time.Duration(l.EndMs) * time.Millisecond,
			Recognizer: "replay"})
		if fin {
			s.utt++
		}
	}
}

// EndUtterance does nothing: the file decides where utterances end.
func (s *stream) EndUtterance() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	return nil
}

func (s *stream) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	s.flush(func(l Line) bool { return time.Duration(l.StartMs)*time.Millisecond < s.pos })
	// A stream that ends with lines left over heard less audio than the
	// file covers: usually a replay file for another broadcast.
	s.log.Debug("replay: stream closed", "emitted", s.next, "lines", len(s.lines), "heard", s.pos)
	return nil
}
