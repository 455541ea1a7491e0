package kws

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"strconv"
	"sync"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/sphinx"
)

// Name is the recognizer name hypotheses carry.
const Name = "kws"

// Available says whether this build can spot keywords: the decoder is
// PocketSphinx, which a build without cgo lacks (sphinx.Available).
const Available = sphinx.Available

// Config configures a Recognizer.
type Config struct {
	// Phrases returns the phrase list in force; it is called at every
	// utterance start, so it must be cheap (an atomic load), and return
	// the same pointer until the list changes. Required.
	Phrases func() *Phrases
	// HMM and Dict locate the acoustic model and the pronouncing
	// dictionary (defaults: the Debian en-us model).
	HMM, Dict string
	// Thresholds by phone count; nil selects Tuned().
	Thresholds *Thresholds
	Derive     DeriveOptions
	Logger     *slog.Logger
}

// Recognizer spots the phrases in force. It is safe for concurrent use.
type Recognizer struct {
	cfg  Config
	dict *Dict
	th   Thresholds

	mu       sync.Mutex
	cur      *generation
	seen     *Phrases // the last list a rebuild was started for
	building bool
	closed   bool
	wg       sync.WaitGroup
}

// generation is one keyphrase list and the decoder pool built for it.
type generation struct {
	key     string
	phrases []Keyphrase
	rec     *sphinx.Recognizer // nil when the list has no keyphrase
}

var _ transcript.Recognizer = (*Recognizer)(nil)

// New loads the dictionary and builds the decoder for the phrase list in
// force now, so configuration errors surface here (sphinx.ErrUnavailable
// in a build without cgo).
func New(cfg Config) (*Recognizer, error) {
	if !Available {
		return nil, fmt.Errorf("kws: %w", sphinx.ErrUnavailable)
	}
	if cfg.Phrases == nil {
		return nil, errors.New("kws: Config.Phrases is required")
	}
	if cfg.Dict == "" {
		cfg.Dict = DefaultDict
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	th := Tuned()
	if cfg.Thresholds != nil {
		th = *cfg.Thresholds
	}
	if err := th.Validate(); err != nil {
		return nil, fmt.Errorf("kws: thresholds: %w", err)
	}
	d, err := LoadDict(cfg.Dict)
	if err != nil {
		return nil, err
	}
	r := &Recognizer{cfg: cfg, dict: d, th: th}
	ph := cfg.Phrases()
	if ph == nil {
		return nil, errors.New("kws: no phrase list in force")
	}
	g, err := r.build(ph, nil)
	if err != nil {
		return nil, err
	}
	r.cur, r.seen = g, ph
	return r, nil
}

// Name is "kws".
func (r *Recognizer) Name() string { return Name }

// Phrases returns the keyphrases of the generation in force.
func (r *Recognizer) Phrases() []Keyphrase {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur.phrases
}

// build derives ph's keyphrases and, unless they equal those of old,
// creates a decoder pool for them.
func (r *Recognizer) build(ph *Phrases, old *generation) (*generation, error) {
	kps := Derive(ph.List, r.dict, r.th, r.cfg.Derive)
	g := &generation{key: keyOf(kps), phrases: kps}
	if old != nil && old.key == g.key {
		return old, nil
	}
	if len(kps) == 0 {
		return g, nil
	}
	sk := make([]sphinx.Keyphrase, len(kps))
	for i, k := range kps {
		sk[i] = sphinx.Keyphrase{Phrase: k.Phrase, Threshold: k.Threshold}
	}
	rec, err := sphinx.New(sphinx.Config{HMM: r.cfg.HMM, Dict: r.cfg.Dict, Keyphrases: sk, Logger: r.cfg.Logger})
	if err != nil {
		return nil, fmt.Errorf("kws: %d keyphrases of %s: %w", len(kps), ph.Name, err)
	}
	g.rec = rec
	return g, nil
}

func keyOf(kps []Keyphrase) string {
	h := fnv.New64a()
	for _, k := range kps {
		_, _ = h.Write([]byte(k.Phrase + "/" + strconv.FormatFloat(k.Threshold, 'g', -1, 64) + "\n"))
	}
	return strconv.FormatUint(h.Sum64(), 16)
}

// current returns the generation in force and, when the phrase source
// moved on, starts a rebuild in the background (one at a time; a version
// published during a rebuild is picked up at the next utterance start).
func (r *Recognizer) current() *generation {
	ph := r.cfg.Phrases()
	r.mu.Lock()
	defer r.mu.Unlock()
	if ph != nil && ph != r.seen && !r.building && !r.closed {
		r.seen, r.building = ph, true
		old := r.cur
		r.wg.Go(func() { r.rebuild(ph, old) })
	}
	return r.cur
}

func (r *Recognizer) rebuild(ph *Phrases, old *generation) {
	g, err := r.build(ph, old)
	r.mu.Lock()
	defer r.mu.Unlock()
	r.building = false
	switch {
	case err != nil:
		r.cfg.Logger.Error("kws: keyphrases not rebuilt; keeping the previous list", "phrases", ph.Name, "err", err)
	case g == old:
	case r.closed:
		g.close()
	default:
		r.cur = g
		old.close() // streams on it keep their decoders until they move
		r.cfg.Logger.Info("kws: keyphrases rebuilt", "phrases", ph.Name, "keyphrases", len(g.phrases))
	}
}

func (g *generation) close() {
	if g.rec != nil {
		_ = g.rec.Close()
	}
}

// Open starts a stream; it moves to the newest keyphrase list at each
// utterance start.
func (r *Recognizer) Open(ctx context.Context, emit transcript.Emit) (transcript.Stream, error) {
	if emit == nil {
		return nil, errors.New("kws: nil emit")
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kws: open: %w", err)
	}
	r.mu.Lock()
	closed := r.closed
	r.mu.Unlock()
	if closed {
		return nil, errClosed
	}
	return &stream{r: r, emit: emit}, nil
}

// Close waits for a running rebuild and frees the decoders in force; open
// streams keep working until they close.
func (r *Recognizer) Close() error {
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return nil
	}
	r.closed = true
	r.mu.Unlock()
	r.wg.Wait()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.cur.close()
	return nil
}
