package version

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/lexicon"
)

// Bucket is the JetStream KV bucket holding versions.
const Bucket = "EARSHOT_LEXICON"

// Keys inside Bucket.
const (
	keyActive   = "active"
	archivePref = "v."
	auditPref   = "audit."
)

// Errors callers tell apart.
var (
	ErrNotFound = errors.New("lexicon version not found")
	// ErrConflict: Draft.Base was given and is no longer the active version.
	ErrConflict = errors.New("lexicon was published meanwhile")
	// ErrEmpty: nothing has been published yet.
	ErrEmpty = errors.New("no lexicon version published yet")
)

// InvalidError is a draft that failed validation or compilation; nothing
// was written.
type InvalidError struct{ Errs lexicon.ValidationErrors }

func (e *InvalidError) Error() string { return "invalid lexicon:\n" + e.Errs.Error() }

// Compiler compiles a validated lexicon the way workers will (with the
// same phonetic options), so a draft that would fail on a worker fails at
// publish time instead.
type Compiler func(*lexicon.Lexicon) (*lexicon.Engine, error)

// Options configure a Store.
type Options struct {
	// Keys sign what Publish writes and verify what is read. Required:
	// a record not signed by a trusted key is never used.
	Keys *Keys
	// Compile defaults to lexicon.Compile with no phonetic matcher.
	Compile Compiler
	// History is how many revisions of each key the bucket keeps; default 16.
	History uint8
	// MaxBytes bounds the bucket on disk; when it is full a publish is
	// refused (never an old version dropped). 0 is no bound.
	MaxBytes int64
	// Replicas of the bucket (cluster.replicas: 3 on a 3-server cluster);
	// default 1.
	Replicas int
	// MaxDropShare is the share of the live rules a version may drop
	// without Draft.Force (guard.go); default DefaultMaxDropShare.
	MaxDropShare float64
	Now          func() time.Time
	Logger       *slog.Logger
}

// Store reads and writes versions in the KV bucket. It is safe for
// concurrent use and holds no state besides its connection.
type Store struct {
	kv   jetstream.KeyValue
	opts Options
}

// Open creates the bucket if missing and returns a Store on it.
func Open(ctx context.Context, js jetstream.JetStream, opts Options) (*Store, error) {
	if opts.Keys == nil {
		return nil, errors.New("version: Options.Keys is required: lexicon versions are signed")
	}
	if opts.Compile == nil {
		opts.Compile = func(lx *lexicon.Lexicon) (*lexicon.Engine, error) { return lexicon.Compile(lx, lexicon.Options{}) }
	}
	if opts.History == 0 {
		opts.History = 16
	}
	if opts.MaxDropShare <= 0 || opts.MaxDropShare > 1 {
		opts.MaxDropShare = DefaultMaxDropShare
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	// Create or update, so a bucket made before MaxBytes existed gets it.
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: Bucket, History: opts.History, Description: "earshot lexicon versions",
		Storage: jetstream.FileStorage, MaxBytes: opts.MaxBytes, Replicas: max(1, opts.Replicas),
	})
	if err != nil {
		return nil, fmt.Errorf("version: opening bucket %s: %w", Bucket, err)
	}
	return &Store{kv: kv, opts: opts}, nil
}

// KV exposes the bucket to Watchers.
func (s *Store) KV() jetstream.KeyValue { return s.kv }

// Check parses and compiles yaml without writing anything; every problem
// comes back as an *InvalidError naming file, rule and field.
func (s *Store) Check(file string, yaml []byte) (*lexicon.Lexicon, *lexicon.Engine, error) {
	lx, err := lexicon.Parse(file, yaml)
	if err != nil {
		var ves lexicon.ValidationErrors
		if errors.As(err, &ves) {
			return nil, nil, &InvalidError{Errs: ves}
		}
		return nil, nil, &InvalidError{Errs: lexicon.ValidationErrors{{File: file, Msg: err.Error()}}}
	}
	eng, err := s.opts.Compile(lx)
	if err != nil {
		return nil, nil, &InvalidError{Errs: lexicon.ValidationErrors{{File: file, Msg: "does not compile: " + err.Error()}}}
	}
	return lx, eng, nil
}

// Active returns the version in force.
func (s *Store) Active(ctx context.Context) (Version, error) {
	v, _, err := s.active(ctx)
	return v, err
}

func (s *Store) active(ctx context.Context) (Version, uint64, error) {
	e, err := s.kv.Get(ctx, keyActive)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Version{}, 0, ErrEmpty
	}
	if err != nil {
		return Version{}, 0, fmt.Errorf("version: reading active: %w", err)
	}
	v, err := s.opts.Keys.open(e.Value())
	if err != nil {
		return Version{}, e.Revision(), fmt.Errorf("version: active (revision %d): %w", e.Revision(), err)
	}
	return v, e.Revision(), nil
}

// Get returns version n.
func (s *Store) Get(ctx context.Context, n int) (Version, error) {
	if n <= 0 {
		return Version{}, fmt.Errorf("%w: %d (versions start at 1)", ErrNotFound, n)
	}
	e, err := s.kv.Get(ctx, archiveKey(n))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		// The publisher of n may have stopped before archiving it.
		if act, aerr := s.Active(ctx); aerr == nil && act.Number == n {
			return act, nil
		}
		return Version{}, fmt.Errorf("%w: %d", ErrNotFound, n)
	}
	if err != nil {
		return Version{}, fmt.Errorf("version: reading %d: %w", n, err)
	}
	v, err := s.opts.Keys.open(e.Value())
	if err != nil {
		return Version{}, fmt.Errorf("version %d: %w", n, err)
	}
	return v, nil
}

// List returns every version, oldest first.
func (s *Store) List(ctx context.Context) ([]Summary, error) {
	act, err := s.Active(ctx)
	if errors.Is(err, ErrEmpty) {
		return []Summary{}, nil
	}
	if err != nil {
		return nil, err
	}
	out := make([]Summary, 0, act.Number)
	for n := 1; n < act.Number; n++ {
		v, err := s.Get(ctx, n)
		if errors.Is(err, ErrRefused) {
			// Versions from before signing, or planted ones: listed
			// nowhere, never a rollback target.
			s.opts.Logger.Error("lexicon version record refused", "version", n, "err", err)
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, v.Summary())
	}
	return append(out, act.Summary()), nil
}

func archiveKey(n int) string { return fmt.Sprintf("%s%010d", archivePref, n) }

// archive writes v under its number once; a second writer of the same
// immutable record is harmless.
func (s *Store) archive(ctx context.Context, v Version) error {
	data, err := s.opts.Keys.seal(v)
	if err != nil {
		return err
	}
	if _, err := s.kv.Create(ctx, archiveKey(v.Number), data); err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("version: archiving %d: %w", v.Number, err)
	}
	return nil
}
