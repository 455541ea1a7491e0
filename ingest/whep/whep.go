package whep

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
	"github.com/earshot/earshot/internal/netguard"
	"github.com/pion/webrtc/v4"
)

// Errors Run and New wrap.
var (
	ErrBadURL    = errors.New("bad WHEP endpoint URL")
	ErrRejected  = errors.New("WHEP endpoint rejected the offer")
	ErrBadAnswer = errors.New("bad WHEP answer")
	ErrNoAudio   = errors.New("no audio from WHEP server")
	ErrICEFailed = errors.New("WHEP connection failed")
)

// Options tune a Source; the zero value works.
type Options struct {
	// Client is shared by every source of the process (one pion API);
	// nil builds one for this Source alone, still once for all its Runs.
	Client *Client
	// Token, if set, is sent as "Authorization: Bearer" on POST and DELETE.
	Token string
	// ICEServers (STUN/TURN) help when the media server is behind NAT;
	// default none (host candidates only).
	ICEServers []webrtc.ICEServer
	// Guard is the outbound address policy for the endpoint, its
	// redirects, the session resource and the answer's ICE candidates;
	// nil refuses loopback, private and other special addresses
	// (netguard.Default).
	Guard *netguard.Policy
	// HTTPClient defaults to Guard's client (every dial checked) with a
	// 10 s timeout. One given here must check its dials itself.
	HTTPClient *http.Client
	// AudioTimeout bounds the wait from POST to the first audio packet;
	// default 10 s.
	AudioTimeout time.Duration
	// QueueChunks is how many decoded chunks wait for a slow emit before
	// audio is dropped (and counted); default 500 (about 10 s).
	QueueChunks int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// maxAnswer bounds the SDP answer body.
const maxAnswer = 64 << 10

// Source pulls one WHEP stream. Run may be called again after it returns
// (each Run is a new WHEP session), which is how a supervisor reconnects.
type Source struct {
	endpoint *url.URL
	opts     Options
	guard    *netguard.Policy
	log      *slog.Logger
	stats    webrtcaudio.Stats // all Runs
}

var (
	_ ingest.Source        = (*Source)(nil)
	_ ingest.StatsProvider = (*Source)(nil)
)

// New validates endpoint (an absolute http or https URL) and opts; it does
// not touch the network.
func New(endpoint string, opts Options) (*Source, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return nil, fmt.Errorf("whep: %w: %v", ErrBadURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("whep: %w: scheme %q (want http or https)", ErrBadURL, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("whep: %w: no host", ErrBadURL)
	}
	if strings.ContainsAny(opts.Token, "\r\n") {
		return nil, fmt.Errorf("whep: token contains a line break")
	}
	guard := opts.Guard
	if guard == nil {
		guard = netguard.Default()
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = guard.HTTPClient(10 * time.Second)
	}
	if opts.AudioTimeout <= 0 {
		opts.AudioTimeout = 10 * time.Second
	}
	if opts.QueueChunks <= 0 {
		opts.QueueChunks = 500
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Client == nil {
		c, err := NewClient(ClientOptions{Logger: opts.Logger})
		if err != nil {
			return nil, err
		}
		opts.Client = c
	}
	s := &Source{endpoint: u, opts: opts, guard: guard}
	s.log = opts.Logger.With("source", s.Describe())
	return s, nil
}

// Describe names the source without its query, e.g.
// "whep:https://media/whep/room1".
func (s *Source) Describe() string {
	u := *s.endpoint
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return "whep:" + u.String()
}

// SourceStats counts what every Run received: packets, loss, concealment,
// decode errors (ingest.StatsProvider).
func (s *Source) SourceStats() ingest.SourceStats { return s.stats.Source() }

// Run receives audio until the server ends the stream (nil), the session
// fails (a wrapped Err*), emit fails, or ctx ends.
func (s *Source) Run(ctx context.Context, emit ingest.Emit) error {
	sess, err := s.start(ctx)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Describe(), err)
	}
	err = sess.deliver(ctx, emit, s.opts.AudioTimeout)
	sess.stop()
	if err != nil {
		return fmt.Errorf("%s: %w", s.Describe(), err)
	}
	return nil
}
