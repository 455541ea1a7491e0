package version

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/lexicon"
)

// WatchOptions configure a Watcher.
type WatchOptions struct {
	// Keys verify each version before it is compiled. Required.
	Keys *Keys
	// OnRefused, if set, runs for each record refused because it is not
	// signed by a trusted key (metrics); it is logged at error level too.
	OnRefused func(revision uint64, err error)
	// Compile must match the publisher's (see Options.Compile).
	Compile Compiler
	// OnSwap, if set, runs after each version becomes active here
	// (metrics, logs, tests measuring publish-to-active latency).
	OnSwap func(v Version, compiledIn time.Duration)
	// ReadyTimeout bounds the wait for the first version; default 30s.
	ReadyTimeout time.Duration
	Logger       *slog.Logger
}

// Watcher follows the bucket's active version and keeps Active current.
type Watcher struct {
	Active
	opts    WatchOptions
	kv      jetstream.KeyValue
	done    chan struct{}
	refused atomic.Uint64
	lastErr atomic.Pointer[error]
}

// Watch starts following kv and returns once the current version is
// active here, so a worker that starts late begins with the latest one.
// It fails if nothing is published yet, ctx ends or ReadyTimeout passes
// first; the watch runs until ctx is cancelled (cancel it on failure too).
func Watch(ctx context.Context, kv jetstream.KeyValue, opts WatchOptions) (*Watcher, error) {
	if opts.Keys == nil {
		return nil, errors.New("version: WatchOptions.Keys is required: lexicon versions are verified")
	}
	if opts.Compile == nil {
		opts.Compile = func(lx *lexicon.Lexicon) (*lexicon.Engine, error) { return lexicon.Compile(lx, lexicon.Options{}) }
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.ReadyTimeout <= 0 {
		opts.ReadyTimeout = 30 * time.Second
	}
	kw, err := kv.Watch(ctx, keyActive)
	if err != nil {
		return nil, fmt.Errorf("version: watching %s: %w", Bucket, err)
	}
	w := &Watcher{opts: opts, kv: kv, done: make(chan struct{})}
	ready := make(chan struct{})
	go w.run(ctx, kw, ready)
	select {
	case <-ready:
	case <-ctx.Done():
		return nil, fmt.Errorf("version: waiting for the active lexicon: %w", ctx.Err())
	case <-time.After(opts.ReadyTimeout):
		return nil, fmt.Errorf("version: no active lexicon after %s", opts.ReadyTimeout)
	}
	if w.Load() == nil {
		w.fallBack(ctx)
	}
	if w.Load() == nil {
		if errp := w.lastErr.Load(); errp != nil {
			return nil, fmt.Errorf("version: no usable lexicon version in %s: %w", Bucket, *errp)
		}
		return nil, fmt.Errorf("version: %w in %s (or it does not compile here)", ErrEmpty, Bucket)
	}
	return w, nil
}

// Refused counts the records this watcher refused for their signature.
func (w *Watcher) Refused() uint64 { return w.refused.Load() }

// fallBack activates the newest archived version that verifies when the
// active record was refused at start, so a forged "active" cannot keep a
// worker from starting: it runs what was last published with the key.
func (w *Watcher) fallBack(ctx context.Context) {
	errp := w.lastErr.Load()
	if errp == nil || !errors.Is(*errp, ErrRefused) {
		return
	}
	s := &Store{kv: w.kv, opts: Options{Keys: w.opts.Keys}}
	v, err := s.newestArchived(ctx)
	if err != nil || v.Number == 0 {
		return
	}
	c, err := compileVerified(v, w.opts.Compile)
	if err != nil {
		w.opts.Logger.Error("lexicon: newest signed version does not compile either", "version", v.Number, "err", err)
		return
	}
	if w.swap(c) {
		w.opts.Logger.Error("lexicon: active record refused at start; running the newest signed version", "version", v.Number)
	}
}

// Ready reports whether a version is active here and the watch still
// follows the bucket (a stopped watch keeps matching with the version it
// had, but no longer sees publishes or rollbacks).
func (w *Watcher) Ready(context.Context) error {
	if w.Load() == nil {
		return errors.New("version: no lexicon version is active here")
	}
	select {
	case <-w.done:
		c := w.Load()
		return fmt.Errorf("version: the watch of %s stopped: version %d stays in force, publishes are not followed", Bucket, c.Meta.Number)
	default:
		return nil
	}
}

// Done is closed when the watch has stopped.
func (w *Watcher) Done() <-chan struct{} { return w.done }

// ErrStopped is returned by WaitFor once the watch has stopped.
var ErrStopped = errors.New("version: the watch has stopped")

// WaitFor blocks until version n (or a later one: versions only move
// forward) is compiled and in force here, and returns it. It is woken by
// the watch itself, not by polling. It fails with ctx's error when ctx
// ends first, and with ErrStopped when the watch stops first.
func (w *Watcher) WaitFor(ctx context.Context, n int) (*Compiled, error) {
	return w.waitFor(ctx, n, w.done)
}

func (w *Watcher) run(ctx context.Context, kw jetstream.KeyWatcher, ready chan struct{}) {
	defer close(w.done)
	defer func() { _ = kw.Stop() }()
	initial := true
	for {
		select {
		case <-ctx.Done():
			if initial {
				close(ready)
			}
			return
		case e, ok := <-kw.Updates():
			if !ok {
				if initial {
					close(ready)
				}
				return
			}
			if e == nil { // end of the initial values
				if initial {
					initial = false
					close(ready)
				}
				continue
			}
			if err := w.apply(e); err != nil {
				w.lastErr.Store(&err)
				w.opts.Logger.Error("lexicon version not activated; keeping the current one", "revision", e.Revision(), "err", err)
				if errors.Is(err, ErrRefused) {
					// The hook first: whoever sees the count has seen it run.
					if w.opts.OnRefused != nil {
						w.opts.OnRefused(e.Revision(), err)
					}
					w.refused.Add(1)
				}
			}
		}
	}
}

// apply compiles the entry's version and swaps it in; the swap happens only
// after a successful compile.
func (w *Watcher) apply(e jetstream.KeyValueEntry) error {
	if e.Operation() != jetstream.KeyValuePut {
		return nil
	}
	start := time.Now()
	c, err := CompileVersion(e.Value(), w.opts.Keys, w.opts.Compile)
	if err != nil {
		return err
	}
	if w.swap(c) {
		w.opts.Logger.Info("lexicon version active", "version", c.Meta.Number, "rules", c.Meta.Rules)
		if w.opts.OnSwap != nil {
			w.opts.OnSwap(c.Meta, time.Since(start))
		}
	}
	return nil
}

// CompileVersion verifies a stored version's signature against keys,
// checks its hash and compiles it.
func CompileVersion(data []byte, keys *Keys, compile Compiler) (*Compiled, error) {
	v, err := keys.open(data)
	if err != nil {
		return nil, err
	}
	return compileVerified(v, compile)
}

func compileVerified(v Version, compile Compiler) (*Compiled, error) {
	if v.Number <= 0 {
		return nil, errors.New("version: record without a version number")
	}
	if got := Hash([]byte(v.YAML)); got != v.Hash {
		return nil, fmt.Errorf("version %d: content hash %s does not match %s", v.Number, got, v.Hash)
	}
	lx, err := lexicon.Parse(fmt.Sprintf("v%d.yaml", v.Number), []byte(v.YAML))
	if err != nil {
		return nil, fmt.Errorf("version %d: %w", v.Number, err)
	}
	eng, err := compile(lx)
	if err != nil {
		return nil, fmt.Errorf("version %d: compiling: %w", v.Number, err)
	}
	v.YAML, v.Diff = "", nil
	return &Compiled{Engine: eng, Meta: v}, nil
}
