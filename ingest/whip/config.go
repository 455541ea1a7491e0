package whip

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
	"github.com/pion/webrtc/v4"
)

// Config configures a Server. Authorize and OnSession are required; every
// other field has a working default.
type Config struct {
	// Authorize decides whether r may publish to room. A non-nil error
	// answers 401 before any WebRTC state is created. Typically it checks a
	// signed room token from the "Authorization: Bearer" header.
	Authorize func(r *http.Request, room string) error
	// OnSession hands a new publisher's session to the room's pipeline. It
	// is called once per accepted offer, before the 201 answer is sent, and
	// must not block: start the pipeline's Run in a goroutine.
	OnSession func(room string, s *Session)

	// Prefix is the URL path the handler is mounted at; default "/whip/".
	Prefix string
	// AllowOrigin is the CORS Access-Control-Allow-Origin value; "" sends
	// no CORS headers (same-origin pages and non-browser clients only).
	AllowOrigin string
	// MaxOfferBytes bounds the SDP body of POST and PATCH; default 64 KiB.
	MaxOfferBytes int64

	// ICEServers are offered to pion for gathering (STUN/TURN).
	ICEServers []webrtc.ICEServer
	// UDPAddr, if set (e.g. ":8189"), makes every session share one UDP
	// socket (single-port ICE mux), the easiest setup behind a firewall.
	UDPAddr string
	// UDPPortMin and UDPPortMax bound the per-session ephemeral UDP ports
	// when UDPAddr is empty; zero means any port.
	UDPPortMin, UDPPortMax uint16
	// NAT1To1IPs are public addresses advertised instead of the host's
	// (one-to-one NAT, e.g. a cloud VM's public IP).
	NAT1To1IPs []string
	// LoopbackCandidates includes 127.0.0.1 candidates; default true so
	// same-host publishers and tests work.
	LoopbackCandidates *bool

	// DisconnectedTimeout, FailedTimeout and KeepaliveInterval are ICE
	// consent timings; defaults 5 s, 10 s, 2 s.
	DisconnectedTimeout, FailedTimeout, KeepaliveInterval time.Duration
	// GatherTimeout bounds the wait for server candidates before answering;
	// default 5 s.
	GatherTimeout time.Duration
	// QueueChunks is how many decoded 20 ms chunks wait for a slow Run
	// before audio is dropped (and counted); default 500 (10 s).
	QueueChunks int
	// Logger defaults to slog.Default().
	Logger *slog.Logger

	// latency, if set (tests and benchmarks), observes packet arrival to
	// emit for every chunk.
	latency func(time.Duration)
}

func (c Config) withDefaults() (Config, error) {
	if c.Authorize == nil || c.OnSession == nil {
		return c, errors.New("whip: Config.Authorize and Config.OnSession are required")
	}
	if c.Prefix == "" {
		c.Prefix = "/whip/"
	}
	if c.MaxOfferBytes <= 0 {
		c.MaxOfferBytes = 64 << 10
	}
	if c.LoopbackCandidates == nil {
		t := true
		c.LoopbackCandidates = &t
	}
	c.DisconnectedTimeout = orDefault(c.DisconnectedTimeout, 5*time.Second)
	c.FailedTimeout = orDefault(c.FailedTimeout, 10*time.Second)
	c.KeepaliveInterval = orDefault(c.KeepaliveInterval, 2*time.Second)
	c.GatherTimeout = orDefault(c.GatherTimeout, 5*time.Second)
	if c.QueueChunks <= 0 {
		c.QueueChunks = 500
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// apiConfig is the shared receive path's view of c: loopback candidates,
// ICE timings, NAT and UDP settings, and pion's logs to c.Logger.
func (c Config) apiConfig() webrtcaudio.Config {
	return webrtcaudio.Config{
		Logger: c.Logger.With("component", "whip"), LoopbackCandidates: *c.LoopbackCandidates,
		DisconnectedTimeout: c.DisconnectedTimeout, FailedTimeout: c.FailedTimeout, KeepaliveInterval: c.KeepaliveInterval,
		NAT1To1IPs: c.NAT1To1IPs, UDPAddr: c.UDPAddr, UDPPortMin: c.UDPPortMin, UDPPortMax: c.UDPPortMax,
	}
}
