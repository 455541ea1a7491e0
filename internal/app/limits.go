package app

import (
	"net"
	"time"

	"golang.org/x/net/netutil"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/ratelimit"
	"github.com/earshot/earshot/rooms"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/transcript/store"
)

// httpLimits turns the configuration into the API's limits.
func httpLimits(c config.HTTP) server.Limits {
	l, r := c.Limits, c.RateLimit
	rate := func(v config.Rate) ratelimit.Rate { return ratelimit.Rate{PerSecond: v.PerSecond, Burst: v.Burst} }
	return server.Limits{
		MaxBody:           int64(l.MaxBody),
		MaxHeaderBytes:    int(l.MaxHeaderBytes),
		ReadHeaderTimeout: time.Duration(l.ReadHeaderTimeout),
		ReadTimeout:       time.Duration(l.ReadTimeout),
		IdleTimeout:       time.Duration(l.IdleTimeout),
		MaxUploads:        l.MaxUploads,
		BodyIdle:          time.Duration(l.BodyIdleTimeout),
		UploadTimeout:     time.Duration(l.UploadTimeout),
		MaxUtterances:     l.UtterancesPerBatch,
		MaxUtteranceBatch: int64(l.UtteranceBatchBytes),
		Rate: server.RateLimits{Off: r.Off, PerIP: rate(r.PerIP), PerToken: rate(r.PerToken),
			Ingest: rate(r.Ingest), MaxClients: r.MaxClients},
	}
}

// limitListener bounds open HTTP connections: beyond max, new ones wait
// in the kernel's accept queue (using no descriptor of this process) until
// a connection closes, and the server's timeouts make sure one does.
func limitListener(ln net.Listener, max int) net.Listener {
	if max <= 0 {
		return ln
	}
	return netutil.LimitListener(ln, max)
}

// tokenRole verifies a token (revocations included) for the rate limiter
// and names its role.
func (s *Service) tokenRole(tok string, now time.Time) (string, error) {
	c, err := s.tokens.Check(tok, now)
	return string(c.Role), err
}

// searchLimits turns the configuration into the transcript store's.
func searchLimits(c config.SearchLimits) store.SearchLimits {
	return store.SearchLimits{MaxConcurrent: c.MaxConcurrent, Timeout: time.Duration(c.Timeout), MaxTerms: c.MaxTerms,
		MinPrefix: c.MinPrefix, MaxExpanding: c.MaxExpanding, MinFuzzy: c.MinFuzzy}
}

// roomCaps turns the configuration into the registry's caps.
func roomCaps(c config.RoomCaps) rooms.Caps {
	return rooms.Caps{MaxRooms: c.MaxRooms, MaxPerMerchant: c.MaxRoomsPerMerchant, RefuseUnregistered: !c.AutoRegister,
		MaxAuto: c.MaxAutoRooms, AutoIdle: time.Duration(c.AutoRoomIdle)}
}
