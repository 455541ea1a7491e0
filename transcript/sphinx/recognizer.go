package sphinx

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/earshot/earshot/transcript"
)

// ErrClosed is returned when a closed Recognizer or Stream is used.
var ErrClosed = errors.New("sphinx: closed")

// Recognizer is a PocketSphinx transcript.Recognizer. It is safe for
// concurrent use.
type Recognizer struct {
	cfg    Config
	args   []string
	tmpDir string // holds the keyphrase file, if any

	mu     sync.Mutex
	idle   []*decoder
	closed bool
}

var _ transcript.Recognizer = (*Recognizer)(nil)

// New checks the model files and returns a Recognizer (ErrUnavailable in
// a build without cgo). It creates one
// decoder up front, so that configuration errors surface here, and keeps
// it for the first stream.
func New(cfg Config) (*Recognizer, error) {
	if !Available {
		return nil, fmt.Errorf("sphinx: %w", ErrUnavailable)
	}
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	r := &Recognizer{cfg: cfg}
	kws, err := r.prepareKeyphrases()
	if err != nil {
		return nil, err
	}
	r.args = cfg.args(kws)
	d, err := newDecoder(r.args, !cfg.Debug)
	if err != nil {
		r.removeTmp()
		return nil, fmt.Errorf("sphinx: new recognizer: %w", err)
	}
	r.idle = append(r.idle, d)
	cfg.Logger.Debug("sphinx: recognizer ready", "name", r.Name(), "hmm", cfg.HMM, "dict", cfg.Dict,
		"keyphrases", len(cfg.Keyphrases), "nbest", cfg.NBest)
	return r, nil
}

func (r *Recognizer) prepareKeyphrases() (string, error) {
	if len(r.cfg.Keyphrases) == 0 {
		return "", nil
	}
	dir, err := os.MkdirTemp("", "earshot-sphinx-*")
	if err != nil {
		return "", fmt.Errorf("sphinx: %w", err)
	}
	r.tmpDir = dir
	path := filepath.Join(dir, "keyphrases.kws")
	if err := writeKeyphrases(path, r.cfg.Dict, r.cfg.Keyphrases); err != nil {
		r.removeTmp()
		return "", err
	}
	return path, nil
}

func (r *Recognizer) removeTmp() {
	if r.tmpDir != "" {
		_ = os.RemoveAll(r.tmpDir)
	}
}

// Name is "sphinx", or "sphinx-kws" in keyword mode.
func (r *Recognizer) Name() string {
	if len(r.cfg.Keyphrases) > 0 {
		return "sphinx-kws"
	}
	return "sphinx"
}

// Open starts a stream with its own decoder, reused from the idle pool
// when one is there. ctx bounds only the opening.
func (r *Recognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	if emit == nil {
		return nil, errors.New("sphinx: nil emit")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sphinx: open: %w", err)
	}
	d, err := r.take()
	if err != nil {
		return nil, err
	}
	return newStream(r, d, emit), nil
}

func (r *Recognizer) take() (*decoder, error) {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil, ErrClosed
	}
	if n := len(r.idle); n > 0 {
		d := r.idle[n-1]
		r.idle = r.idle[:n-1]
		r.mu.Unlock()
		return d, nil
	}
	r.mu.Unlock()
	// Each decoder holds the models (~100 MB): worth seeing when streams
	// outnumber the idle pool.
	r.cfg.Logger.Debug("sphinx: idle pool empty, loading another decoder", "name", r.Name())
	d, err := newDecoder(r.args, !r.cfg.Debug)
	if err != nil {
		return nil, fmt.Errorf("sphinx: open: %w", err)
	}
	return d, nil
}

// release takes back a stream's decoder (between utterances) or frees it.
func (r *Recognizer) release(d *decoder) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed || len(r.idle) >= max(r.cfg.MaxIdle, 0) {
		d.free()
		return
	}
	r.idle = append(r.idle, d)
}

// Close frees the idle decoders. Open streams keep working and free their
// decoders when they close.
func (r *Recognizer) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil
	}
	r.closed = true
	for _, d := range r.idle {
		d.free()
	}
	r.idle = nil
	r.removeTmp()
	return nil
}
