package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/segment"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
)

// Config is what a room's pipeline is wired to.
type Config struct {
	Recognizer transcript.Recognizer
	Matcher    MatcherFunc
	Sink       alerter.Sink
	// NewSegmenter makes the voice-activity segmenter of one session. With
	// none, all audio goes to the recognizer as one long utterance.
	NewSegmenter func() segment.Segmenter
	// OnAudio, if set, sees every chunk that reaches the recognizer (the
	// room's evidence ring buffer).
	OnAudio func(ingest.Chunk)
	// OnHypothesis, if set, sees every hypothesis with all of its hits
	// (transcript store, live captions); see ScanConfig.OnHypothesis. It
	// runs on the recognizer's goroutine: it must be quick and must not
	// block.
	OnHypothesis func(h Heard, hits []lexicon.Hit)
	// QueueChunks bounds audio waiting for the recognizer; beyond it audio
	// is dropped and counted. Default 500 (10 s of 20 ms chunks).
	QueueChunks int
	// QueueAlerts bounds alerts waiting for the sink. Default 256.
	QueueAlerts int
	// DrainTimeout bounds how long pending alerts may take to flush after
	// the room's context ends. Default 5 s.
	DrainTimeout time.Duration
	Logger       *slog.Logger
}

func (c *Config) withDefaults() error {
	if c.Recognizer == nil || c.Matcher == nil || c.Sink == nil {
		return errors.New("pipeline: Recognizer, Matcher and Sink are required")
	}
	if c.QueueChunks <= 0 {
		c.QueueChunks = 500
	}
	if c.QueueAlerts <= 0 {
		c.QueueAlerts = 256
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return nil
}

// Stats counts what a room's pipeline did. Fields are updated atomically and
// may be read while the room runs.
type Stats struct {
	// Samples counts 16 kHz samples the source delivered, dropped or not.
	Samples       atomic.Uint64
	Chunks        atomic.Uint64
	DroppedChunks atomic.Uint64
	HeardMs       atomic.Int64
	Hypotheses    atomic.Uint64
	Utterances    atomic.Uint64
	Alerts        atomic.Uint64
}

// Session is one continuous stream of a room: an upload, a WHIP session, a
// pulled URL between reconnects.
type Session struct {
	Room Room
	// ID keeps utterance numbers of different sessions of a room apart;
	// Run sets a fresh one if it is empty.
	ID     string
	Source ingest.Source
	// Lossless makes the source wait for the recognizer instead of
	// dropping audio: right for files read as fast as possible, wrong for
	// live network sources.
	Lossless bool
	Stats    Stats
}

// Run streams the session's source through the room's stages until the
// source ends, fails or ctx is cancelled; then it finalizes the last
// utterance and flushes pending alerts before returning.
func Run(ctx context.Context, s *Session, cfg Config) error {
	if err := cfg.withDefaults(); err != nil {
		return err
	}
	if s.ID == "" {
		s.ID = alerter.NewID(time.Now())
	}
	room, src, stats := s.Room, s.Source, &s.Stats
	log := cfg.Logger.With("source", src.Describe()) // the scanner names room and session
	sc, err := NewScanner(ScanConfig{Matcher: cfg.Matcher, Sink: cfg.Sink, OnHypothesis: cfg.OnHypothesis, Logger: log})
	if err != nil {
		return err
	}
	sc.Begin(room, s.ID, stats)
	defer sc.End(room.ID, s.ID)
	chunks := make(chan ingest.Chunk, cfg.QueueChunks)
	alerts := make(chan alerter.Alert, cfg.QueueAlerts)

	var wg sync.WaitGroup
	var sendErr error
	wg.Go(func() { sendErr = sendLoop(ctx, cfg, sc, alerts) })

	recErr := make(chan error, 1)
	go func() {
		recErr <- recognizeLoop(ctx, s, cfg, sc, chunks, alerts)
		close(alerts)
	}()

	srcErr := src.Run(ctx, enqueue(ctx, s.Lossless, chunks, stats))
	close(chunks)
	rErr := <-recErr
	wg.Wait()
	if srcErr != nil && !errors.Is(srcErr, context.Canceled) {
		return fmt.Errorf("pipeline: room %s: %w", room.ID, srcErr) // sources name themselves in their errors
	}
	return errors.Join(rErr, sendErr)
}

func enqueue(ctx context.Context, lossless bool, chunks chan<- ingest.Chunk, stats *Stats) ingest.Emit {
	if lossless {
		return func(c ingest.Chunk) error {
			stats.Samples.Add(uint64(len(c.PCM)))
			select {
			case chunks <- c:
				stats.Chunks.Add(1)
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
	return func(c ingest.Chunk) error {
		stats.Samples.Add(uint64(len(c.PCM)))
		select {
		case chunks <- c:
			stats.Chunks.Add(1)
		default:
			// The recognizer is behind: drop rather than block the read loop.
			stats.DroppedChunks.Add(1)
		}
		return nil
	}
}

// recognizeLoop feeds the recognizer and runs the first half of the
// scanner (match, transcript hook, counts) on the recognizer's goroutine, so
// a hit is raised at the stream time it was heard; sendLoop delivers.
func recognizeLoop(ctx context.Context, s *Session, cfg Config, sc *Scanner, chunks <-chan ingest.Chunk,
	alerts chan<- alerter.Alert) error {
	stats := &s.Stats
	emit := func(h transcript.Hypothesis) {
		// Blocking here is deliberate: an alert is never dropped; if the
		// sink is slow, audio backs up and is dropped (and counted) instead.
		for _, a := range sc.detect(Heard{Room: s.Room, Session: s.ID, Hypothesis: h}) {
			alerts <- a
		}
	}
	// The stream outlives ctx: after cancellation it still has to finalize
	// what it heard.
	stream, err := cfg.Recognizer.Open(context.WithoutCancel(ctx), emit)
	if err != nil {
		for range chunks {
		}
		return fmt.Errorf("pipeline: opening recognizer %s: %w", cfg.Recognizer.Name(), err)
	}
	g := newGate(stream, cfg)
	var firstErr error
	for c := range chunks {
		if firstErr != nil {
			continue // keep draining so the source never blocks
		}
		if cfg.OnAudio != nil {
			cfg.OnAudio(c)
		}
		stats.HeardMs.Store(c.End().Milliseconds())
		firstErr = g.push(c)
	}
	return errors.Join(firstErr, stream.Close())
}

func sendLoop(ctx context.Context, cfg Config, sc *Scanner, alerts <-chan alerter.Alert) error {
	var errs []error
	for a := range alerts {
		sendCtx, cancel := ctx, context.CancelFunc(func() {})
		if ctx.Err() != nil {
			// Draining after shutdown: a pending alert still deserves a try.
			sendCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cfg.DrainTimeout)
		}
		if err := sc.deliver(sendCtx, a); err != nil {
			errs = append(errs, err)
		}
		cancel()
	}
	return errors.Join(errs...)
}
