package rooms

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/transcript"
)

// OpenFunc makes the source of a pulled room from its URL and optional
// token. It should not connect: the source's Run does, so that a failure
// to connect is retried like any other.
type OpenFunc func(rawURL, token string) (ingest.Source, error)

// Options configure a Registry beyond its pipeline template.
type Options struct {
	Logger *slog.Logger
	// StorePath is the JSON file that keeps the registered rooms across
	// restarts; empty keeps them in memory only.
	StorePath string
	// OpenSource opens pulled sources; without it, registering a URL room
	// fails with a clear error.
	OpenSource OpenFunc
	// Schemes are the URL schemes OpenSource reads, which a registration
	// may use (the wiring passes ingest/pull's RemoteSchemes, the one list);
	// none accepts WHIP rooms only.
	Schemes []string
	// CheckSource, if set, vets a pulled source's URL when it is
	// registered (the server's outbound address policy): an error refuses
	// the registration as the client's, naming the source field. The
	// source itself checks again at every connect.
	CheckSource func(ctx context.Context, rawURL string) error
	// RecognizerFor resolves a room's Spec.Recognizer to an engine; nil
	// means every room uses the template's recognizer.
	RecognizerFor func(name string) (transcript.Recognizer, error)
	// Owner, if set, decides which worker of a cluster pulls each
	// registered room (owner.go); nil pulls every room here.
	Owner Owner
	// Backoff paces reconnects of pulled sources.
	Backoff Backoff

	// EvidenceDir receives <alert-id>.wav clips; empty disables evidence
	// (and its per-session ring buffer).
	EvidenceDir string
	// EvidenceWindow is the recent audio kept per live session. Default 30 s
	// (about 1 MB per room).
	EvidenceWindow time.Duration
	// ClipBefore and ClipAfter widen a hit into its clip. Default 3 s and 2 s.
	ClipBefore, ClipAfter time.Duration
	// ClipWait bounds the wall-clock wait for the audio after a hit. Default 10 s.
	ClipWait time.Duration
	// EvidenceQueue bounds clips waiting to be written; beyond it clips are
	// dropped and counted. Default 256.
	EvidenceQueue int

	// Caps bound the rooms kept (caps.go).
	Caps Caps
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	o.Backoff = o.Backoff.withDefaults()
	o.Caps = o.Caps.withDefaults()
	if o.EvidenceWindow <= 0 {
		o.EvidenceWindow = 30 * time.Second
	}
	if o.ClipBefore <= 0 {
		o.ClipBefore = 3 * time.Second
	}
	if o.ClipAfter <= 0 {
		o.ClipAfter = 2 * time.Second
	}
	if o.ClipWait <= 0 {
		o.ClipWait = 10 * time.Second
	}
	if o.EvidenceQueue <= 0 {
		o.EvidenceQueue = 256
	}
	return o
}

// Backoff is an exponential reconnect delay with jitter.
type Backoff struct {
	// Min is the first delay (default 500 ms); each failure doubles it up
	// to Max (default 30 s).
	Min, Max time.Duration
	// Healthy is how long a session must have carried audio for the next
	// failure to start again from Min (default 30 s).
	Healthy time.Duration
	// Jitter spreads each delay by ± this fraction (default 0.2), so rooms
	// that lost the same server do not all knock again at once.
	Jitter float64
}

func (b Backoff) withDefaults() Backoff {
	if b.Min <= 0 {
		b.Min = 500 * time.Millisecond
	}
	if b.Max < b.Min {
		b.Max = max(30*time.Second, b.Min)
	}
	if b.Healthy <= 0 {
		b.Healthy = 30 * time.Second
	}
	if b.Jitter <= 0 || b.Jitter >= 1 {
		b.Jitter = 0.2
	}
	return b
}

// Delay is the wait before attempt (1-based) with r in [0,1) choosing the
// jitter.
func (b Backoff) Delay(attempt int, r float64) time.Duration {
	d := b.Min
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	d = min(d, b.Max)
	return time.Duration(float64(d) * (1 - b.Jitter + 2*b.Jitter*r))
}

func jitterRand() float64 { return rand.Float64() }
