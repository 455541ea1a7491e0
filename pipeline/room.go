package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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
	// Bus carries hypotheses to the Scanner and alerts back (a NATS stream
	// in `earshot serve`). With none, Run scans locally with a Scanner made
	// of Matcher, Sink and OnHypothesis (offline tools, tests).
	Bus     Bus
	Matcher MatcherFunc
	Sink    alerter.Sink
	// NewSegmenter makes the voice-activity segmenter of one session. With
	// none, all audio goes to the recognizer as one long utterance.
	NewSegmenter func() segment.Segmenter
	// OnAudio, if set, sees every chunk that reaches the recognizer (the
	// room's evidence ring buffer).
	OnAudio func(ingest.Chunk)
	// OnHypothesis, if set, sees every hypothesis with all of its hits
	// (transcript store, live captions) on the local bus; see
	// ScanConfig.OnHypothesis. With a Bus it is the bus's scanner's to set.
	OnHypothesis func(h Heard, hits []lexicon.Hit)
	// OnAlerts, if set, receives the alerts the scanner accepted for this
	// session's hypotheses (evidence clips); see FeedOptions.OnAlerts.
	OnAlerts func([]alerter.Alert)
	// ClipURL, if set, names the evidence clip of an alert id: the session
	// keeps its audio and alerts carry the URL. On a Bus the scanner side
	// names clips; this only asks for them.
	ClipURL func(alertID string) string
	// QueueChunks bounds audio waiting for the recognizer; beyond it audio
	// is dropped and counted. Default 500 (10 s of 20 ms chunks).
	QueueChunks int
	// DrainTimeout bounds how long the session's last hypotheses may take
	// to be scanned after its context ends. Default 5 s.
	DrainTimeout time.Duration
	Logger       *slog.Logger
}

func (c *Config) withDefaults() error {
	if c.Recognizer == nil || (c.Bus == nil && (c.Matcher == nil || c.Sink == nil)) {
		return errors.New("pipeline: Recognizer and a Bus (or Matcher and Sink) are required")
	}
	if c.QueueChunks <= 0 {
		c.QueueChunks = 500
	}
	if c.DrainTimeout <= 0 {
		c.DrainTimeout = 5 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return nil
}

// bus is the configured Bus, or a local one built from Matcher and Sink.
func (c *Config) bus(log *slog.Logger) (Bus, error) {
	if c.Bus != nil {
		return c.Bus, nil
	}
	sc, err := NewScanner(ScanConfig{Matcher: c.Matcher, Sink: c.Sink, OnHypothesis: c.OnHypothesis, Logger: log})
	if err != nil {
		return nil, err
	}
	return Local(sc, c.ClipURL), nil
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
	// ShedPartials counts partial hypotheses a scanner that fell behind
	// skipped as stale (their finals are scanned): the overload policy's
	// second step, as the scanner reported it (FeedOptions.OnShed).
	ShedPartials atomic.Uint64
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
// utterance and waits (DrainTimeout) until its hypotheses are scanned and
// their alerts delivered before returning.
func Run(ctx context.Context, s *Session, cfg Config) error {
	if err := cfg.withDefaults(); err != nil {
		return err
	}
	if s.ID == "" {
		s.ID = alerter.NewID(time.Now())
	}
	room, src, stats := s.Room, s.Source, &s.Stats
	log := cfg.Logger.With("source", src.Describe(), "room", room.ID, "session", s.ID)
	bus, err := cfg.bus(log)
	if err != nil {
		return err
	}
	feed, err := bus.Open(room, s.ID, FeedOptions{Clips: cfg.ClipURL != nil, OnAlerts: func(as []alerter.Alert) {
		stats.Alerts.Add(uint64(len(as)))
		if cfg.OnAlerts != nil {
			cfg.OnAlerts(as)
		}
	}, OnShed: func(n uint64) { stats.ShedPartials.Add(n) }})
	if err != nil {
		return fmt.Errorf("pipeline: room %s: opening the bus: %w", room.ID, err)
	}
	chunks := make(chan ingest.Chunk, cfg.QueueChunks)
	recErr := make(chan error, 1)
	go func() { recErr <- recognizeLoop(ctx, s, cfg, feed, chunks, log) }()

	srcErr := src.Run(ctx, enqueue(ctx, s.Lossless, chunks, stats))
	close(chunks)
	rErr := <-recErr
	drainCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cfg.DrainTimeout)
	defer cancel()
	closeErr := feed.Close(drainCtx)
	if srcErr != nil && !errors.Is(srcErr, context.Canceled) {
		return fmt.Errorf("pipeline: room %s: %w", room.ID, srcErr) // sources name themselves in their errors
	}
	return errors.Join(rErr, closeErr)
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

// recognizeLoop feeds the recognizer and sends every hypothesis to the bus
// on the recognizer's goroutine, so a hit is raised at the stream time it
// was heard.
func recognizeLoop(ctx context.Context, s *Session, cfg Config, feed Feed, chunks <-chan ingest.Chunk, log *slog.Logger) error {
	stats := &s.Stats
	var sendErrs []error
	emit := func(h transcript.Hypothesis) {
		stats.Hypotheses.Add(1)
		if h.Final {
			stats.Utterances.Add(1)
		}
		// Blocking here is deliberate: a hypothesis is never dropped; if the
		// bus is full, audio backs up and is dropped (and counted) instead.
		sendCtx := ctx
		if ctx.Err() != nil { // finalizing after shutdown: still deliver
			var cancel context.CancelFunc
			sendCtx, cancel = context.WithTimeout(context.WithoutCancel(ctx), cfg.DrainTimeout)
			defer cancel()
		}
		if err := feed.Send(sendCtx, h); err != nil {
			log.Error("hypothesis not delivered", "utterance", h.Utterance, "err", err)
			if len(sendErrs) < 8 {
				sendErrs = append(sendErrs, err)
			}
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
	err = errors.Join(firstErr, stream.Close())
	return errors.Join(err, errors.Join(sendErrs...))
}
