package wsasr

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

// Protocol is one server's WebSocket protocol.
type Protocol interface {
	// Name prefixes logs and errors and is Hypothesis.Recognizer.
	Name() string
	// Hello is a text frame sent after dialing, or "" for none.
	Hello() string
	// Encode renders 16 kHz PCM as one binary frame.
	Encode(pcm []int16) []byte
	// NewUtterance starts the state of one connection's transcript.
	NewUtterance() Utterance
}

// Utterance adds one connection's server messages up to a transcript. It
// is used from one goroutine at a time.
type Utterance interface {
	// Update applies a message received while audio streams; an error
	// means the message is ignored.
	Update(msg []byte) error
	// End returns the text frame that ends the audio; the utterance may
	// drop state that the final answer replaces.
	End() string
	// Final applies a message received after End. got reports that the
	// final result is in; last that the server will send nothing more.
	Final(msg []byte) (got, last bool, err error)
	// Closed is called when the server closed the connection after End
	// before any message reported got; an error loses the utterance.
	Closed() error
	// Text is the transcript so far, "" if nothing was heard.
	Text() string
	// Words are the words so far, placed from stream time start, which is
	// the connection's first sample.
	Words(start time.Duration) []transcript.Word
}

// Config configures a Recognizer.
type Config struct {
	// URL of the server: ws:// or wss://.
	URL string
	// Timeout bounds dialing, each send, and the wait for the final result
	// (default 10 s).
	Timeout time.Duration
	Logger  *slog.Logger
}

// Recognizer opens streams to one server. It is safe for concurrent use.
type Recognizer struct {
	proto     Protocol
	cfg       Config
	errClosed error
	errors    atomic.Uint64
}

var _ transcript.Recognizer = (*Recognizer)(nil)

// New checks cfg and fills in defaults; errClosed is what closed streams
// return (default "<name>: stream closed").
func New(p Protocol, cfg Config, errClosed error) (*Recognizer, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "ws" && u.Scheme != "wss") || u.Host == "" {
		return nil, fmt.Errorf("%s: url %q: want ws://host:port or wss://host:port", p.Name(), cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if errClosed == nil {
		errClosed = errors.New(p.Name() + ": stream closed")
	}
	return &Recognizer{proto: p, cfg: cfg, errClosed: errClosed}, nil
}

// Name is the protocol's name.
func (r *Recognizer) Name() string { return r.proto.Name() }

// Close does nothing: connections belong to streams.
func (r *Recognizer) Close() error { return nil }

// Errors counts utterances lost to server or network errors.
func (r *Recognizer) Errors() uint64 { return r.errors.Load() }

// Open starts a stream; the connection is made at its first audio.
func (r *Recognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	if emit == nil {
		return nil, fmt.Errorf("%s: nil emit", r.proto.Name())
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: open: %w", r.proto.Name(), err)
	}
	return &stream{rec: r, emit: emit, ctx: context.WithoutCancel(ctx)}, nil
}
