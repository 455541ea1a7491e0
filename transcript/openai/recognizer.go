package openai

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/transcript"
)

// Config configures a Recognizer. Zero values select the defaults.
type Config struct {
	// BaseURL of the server, e.g. http://127.0.0.1:8080 (the path
	// /v1/audio/transcriptions is appended).
	BaseURL string
	// Model is sent as "model" (default "whisper-1").
	Model string
	// APIKey, if set, is sent as a bearer token.
	APIKey string
	// Language and Prompt are passed through when set.
	Language, Prompt string
	// Concurrency bounds requests in flight over all streams (default 4).
	Concurrency int
	// Timeout bounds one request (default 30 s).
	Timeout time.Duration
	// Retries is how many times a 5xx, 429 or network error is retried
	// (default 2; negative for none); Backoff is the first wait, doubled
	// each time (default 250 ms).
	Retries int
	Backoff time.Duration
	// PartialEvery, if positive, re-sends the growing utterance this often
	// (in audio time) to emit partial hypotheses.
	PartialEvery time.Duration
	// MaxUtterance caps the audio of one request (default 30 s): a longer
	// utterance is sent in pieces, each its own final.
	MaxUtterance time.Duration
	// Client is the HTTP client (default: a plain http.Client).
	Client *http.Client
	Logger *slog.Logger
}

// Recognizer sends utterances to an OpenAI-compatible server. It is safe
// for concurrent use.
type Recognizer struct {
	cfg      Config
	endpoint string
	client   *http.Client
	sem      chan struct{}
	errors   atomic.Uint64
}

var (
	_ transcript.Recognizer   = (*Recognizer)(nil)
	_ transcript.ErrorCounter = (*Recognizer)(nil)
)

// New checks cfg.
func New(cfg Config) (*Recognizer, error) {
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("openai: base url %q: want http(s)://host[:port]", cfg.BaseURL)
	}
	if cfg.Model == "" {
		cfg.Model = "whisper-1"
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 4
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 2
	}
	cfg.Retries = max(cfg.Retries, 0)
	if cfg.Backoff <= 0 {
		cfg.Backoff = 250 * time.Millisecond
	}
	if cfg.MaxUtterance <= 0 {
		cfg.MaxUtterance = 30 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Recognizer{cfg: cfg, client: cfg.Client, sem: make(chan struct{}, cfg.Concurrency),
		endpoint: strings.TrimSuffix(cfg.BaseURL, "/") + "/v1/audio/transcriptions"}, nil
}

// Name is "openai".
func (r *Recognizer) Name() string { return "openai" }

// Errors counts requests that failed after their retries.
func (r *Recognizer) Errors() uint64 { return r.errors.Load() }

// Open starts a stream.
func (r *Recognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	if emit == nil {
		return nil, errors.New("openai: nil emit")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("openai: open: %w", err)
	}
	return &stream{rec: r, emit: emit, ctx: context.WithoutCancel(ctx)}, nil
}

// Close does nothing: requests belong to streams.
func (r *Recognizer) Close() error { return nil }
