package whep

import (
	"fmt"
	"log/slog"

	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
)

// Client is what a process's WHEP sources share: the pion API (media
// engine, interceptors, ICE settings, pion's logger), built once instead
// of once per session. It is safe for concurrent use; one per process is
// enough. It holds no socket: nothing to close. (HTTP stays per source:
// each source's client checks its dials against the source's Guard.)
type Client struct {
	api *webrtcaudio.API
}

// ClientOptions tune a Client; the zero value works.
type ClientOptions struct {
	// Logger receives pion's logs; default slog.Default().
	Logger *slog.Logger
}

// NewClient builds the shared WebRTC API: Opus only, loopback candidates
// on (same-host media servers and tests), mDNS off (media servers cannot
// resolve .local names), and ICE timeouts that notice a vanished server
// within seconds.
func NewClient(opts ClientOptions) (*Client, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	api, err := webrtcaudio.NewAPI(webrtcaudio.Config{Logger: opts.Logger.With("component", "whep"), LoopbackCandidates: true})
	if err != nil {
		return nil, fmt.Errorf("whep: %w", err)
	}
	return &Client{api: api}, nil
}
