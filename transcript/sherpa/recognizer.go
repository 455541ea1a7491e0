package sherpa

import (
	"errors"
	"log/slog"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/wsasr"
)

// Config configures a Recognizer.
type Config struct {
	// URL of the server, e.g. ws://127.0.0.1:6006.
	URL string
	// Timeout bounds dialing, each send, and the wait for "Done!" (default
	// 10 s).
	Timeout time.Duration
	Logger  *slog.Logger
}

// ErrClosed is returned by a closed stream.
var ErrClosed = errors.New("sherpa: stream closed")

// Recognizer connects to a sherpa-onnx streaming server. It is safe for
// concurrent use. Its methods are wsasr's: Name ("sherpa"), Open (the
// connection is made at an utterance's first audio), Errors (utterances lost
// to server or network errors) and Close (which does nothing: connections
// belong to streams).
type Recognizer struct{ *wsasr.Recognizer }

var (
	_ transcript.Recognizer   = (*Recognizer)(nil)
	_ transcript.ErrorCounter = (*Recognizer)(nil)
)

// New checks cfg.
func New(cfg Config) (*Recognizer, error) {
	ws, err := wsasr.New(protocol{}, wsasr.Config(cfg), ErrClosed)
	if err != nil {
		return nil, err
	}
	return &Recognizer{ws}, nil
}
