package vosk

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/transcript"
)

// Config configures a Recognizer.
type Config struct {
	// URL of the server, e.g. ws://127.0.0.1:2700.
	URL string
	// Timeout bounds dialing, each send, and the wait for the final
	// result after eof (default 10 s).
	Timeout time.Duration
	Logger  *slog.Logger
}

// Recognizer connects to a Vosk server. It is safe for concurrent use.
type Recognizer struct {
	cfg    Config
	errors atomic.Uint64
}

var _ transcript.Recognizer = (*Recognizer)(nil)

// New checks cfg.
func New(cfg Config) (*Recognizer, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return nil, fmt.Errorf("vosk: url %q: want ws://host:port or wss://host:port", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Recognizer{cfg: cfg}, nil
}

// Name is "vosk".
func (r *Recognizer) Name() string { return "vosk" }

// Errors counts utterances lost to server or network errors.
func (r *Recognizer) Errors() uint64 { return r.errors.Load() }

// Open starts a stream; the connection is made at its first audio.
func (r *Recognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	if emit == nil {
		return nil, errors.New("vosk: nil emit")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("vosk: open: %w", err)
	}
	return &stream{rec: r, emit: emit, ctx: context.WithoutCancel(ctx)}, nil
}

// Close does nothing: connections belong to streams.
func (r *Recognizer) Close() error { return nil }
