package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/ratelimit"
)

// Limits bound what one request, one client and one route may cost. Zero
// fields take the defaults below (DefaultLimits); every route gets a body
// cap, a read deadline and a rate limit, composed in one place (limit, wired
// by routes in server.go) in front of the route's access check.
type Limits struct {
	// MaxBody caps the body of every route that is not listed in
	// bodyCaps; default 1 MiB. An over-long body is answered 413 too_large.
	MaxBody int64
	// ReadHeaderTimeout, ReadTimeout and IdleTimeout are the http.Server's;
	// ReadTimeout covers a whole request except uploads (which have
	// BodyIdle and UploadTimeout); it ends at the end of the body, so it
	// never cuts an event feed.
	ReadHeaderTimeout, ReadTimeout, IdleTimeout time.Duration
	// MaxHeaderBytes bounds request headers; default 64 KiB.
	MaxHeaderBytes int
	// MaxUploads is how many audio uploads may be read at once; one more
	// is answered 503 busy with Retry-After. Default 8.
	MaxUploads int
	// BodyIdle is the longest an upload may pause between two reads;
	// UploadTimeout bounds the whole upload. Past either it is answered
	// 408 body_timeout. Defaults 30 s and 30 min.
	BodyIdle, UploadTimeout time.Duration
	// MaxUtterances and MaxUtteranceBatch bound one POST of utterances in
	// count and bytes; defaults 256 and 256 KiB.
	MaxUtterances     int
	MaxUtteranceBatch int64
	Rate              RateLimits
}

// RateLimits are token buckets per client: a request carrying a token that
// verifies is charged to that token's bucket (ingest and admin tokens get
// Ingest, every other role PerToken); any other request to its address's
// (IPv6 by /64). Over budget is answered 429 rate_limited with Retry-After.
type RateLimits struct {
	// Off disables rate limiting.
	Off                     bool
	PerIP, PerToken, Ingest ratelimit.Rate
	// MaxClients bounds how many addresses and tokens have a bucket; the
	// least recently seen is forgotten first. Default 10000.
	MaxClients int
}

// DefaultLimits are the limits of a zero Limits. The rates leave room for a
// platform posting every room's transcript from one service (ingest) and
// for the pages' polling, while one client cannot keep the server busy.
func DefaultLimits() Limits {
	return Limits{
		MaxBody:           1 << 20,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		MaxUploads:        8,
		BodyIdle:          30 * time.Second,
		UploadTimeout:     30 * time.Minute,
		MaxUtterances:     256,
		MaxUtteranceBatch: 256 << 10,
		Rate: RateLimits{
			PerIP:      ratelimit.Rate{PerSecond: 2000, Burst: 4000},
			PerToken:   ratelimit.Rate{PerSecond: 500, Burst: 1000},
			Ingest:     ratelimit.Rate{PerSecond: 5000, Burst: 10000},
			MaxClients: 10000,
		},
	}
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits()
	pick := func(v *time.Duration, def time.Duration) {
		if *v <= 0 {
			*v = def
		}
	}
	pick(&l.ReadHeaderTimeout, d.ReadHeaderTimeout)
	pick(&l.ReadTimeout, d.ReadTimeout)
	pick(&l.IdleTimeout, d.IdleTimeout)
	pick(&l.BodyIdle, d.BodyIdle)
	pick(&l.UploadTimeout, d.UploadTimeout)
	if l.MaxBody <= 0 {
		l.MaxBody = d.MaxBody
	}
	if l.MaxHeaderBytes <= 0 {
		l.MaxHeaderBytes = d.MaxHeaderBytes
	}
	if l.MaxUploads <= 0 {
		l.MaxUploads = d.MaxUploads
	}
	if l.MaxUtterances <= 0 {
		l.MaxUtterances = d.MaxUtterances
	}
	if l.MaxUtteranceBatch <= 0 {
		l.MaxUtteranceBatch = d.MaxUtteranceBatch
	}
	rateOr := func(r *ratelimit.Rate, def ratelimit.Rate) {
		if r.Validate() != nil {
			*r = def
		}
	}
	rateOr(&l.Rate.PerIP, d.Rate.PerIP)
	rateOr(&l.Rate.PerToken, d.Rate.PerToken)
	rateOr(&l.Rate.Ingest, d.Rate.Ingest)
	if l.Rate.MaxClients <= 0 {
		l.Rate.MaxClients = d.Rate.MaxClients
	}
	return l
}

// routeKind says how a route reads its body.
type routeKind int

const (
	kindJSON   routeKind = iota // a small body read at once, under ReadTimeout
	kindUpload                  // a long body: BodyIdle, UploadTimeout, MaxUploads
)

// routeBody is a route's body cap and kind; a zero max is Limits.MaxBody.
type routeBody struct {
	max  int64
	kind routeKind
}

// bodyCaps are the routes whose body differs from Limits.MaxBody; the
// handlers of some check a tighter bound of their own (a disposition,
// a WHIP offer). TestEveryRouteHasLimits keeps this table and api.Routes
// in step.
func (s *Server) bodyCaps() map[string]routeBody {
	lex := routeBody{max: maxLexiconBody}
	return map[string]routeBody{
		"POST /v1/rooms/{room}/audio":      {max: s.opts.MaxUpload, kind: kindUpload},
		"POST /v1/rooms/{room}/utterances": {max: s.limits.MaxUtteranceBatch},
		"POST /v1/lexicons":                lex,
		"POST /v1/lexicons/validate":       lex,
		"POST /v1/lexicons/test":           lex,
		"POST /v1/lexicons/backtest":       lex,
		"POST /v1/lexicons/import":         lex,
	}
}

// unlimited are the routes no rate limit applies to: probes must answer
// however busy a client is.
var unlimited = map[string]bool{"GET /healthz": true, "GET /readyz": true}

// limiter holds the state behind Limits: the upload slots and the rate
// buckets.
type limiter struct {
	uploads         chan struct{}
	perIP, perToken *ratelimit.Keyed
	ingest          *ratelimit.Keyed
}

// newLimiter builds the state of l, whose rates withDefaults has made
// valid.
func newLimiter(l Limits) *limiter {
	out := &limiter{uploads: make(chan struct{}, l.MaxUploads)}
	if l.Rate.Off {
		return out
	}
	keyed := func(r ratelimit.Rate) *ratelimit.Keyed {
		k, err := ratelimit.New(r, l.Rate.MaxClients)
		if err != nil {
			panic(err) // a bug: withDefaults replaces invalid rates
		}
		return k
	}
	out.perIP, out.perToken, out.ingest = keyed(l.Rate.PerIP), keyed(l.Rate.PerToken), keyed(l.Rate.Ingest)
	return out
}

// limit wraps a route's handler with its body cap, read deadline, upload
// slot and rate limit.
func (s *Server) limit(rt api.Route, h http.Handler) http.Handler {
	body, ok := s.bodyCaps()[rt.Pattern()]
	if !ok || body.max <= 0 {
		body.max = s.limits.MaxBody
	}
	rated := !unlimited[rt.Pattern()]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rated && !s.allow(w, r) {
			return
		}
		// An event feed outlives ReadTimeout: net/http clears the read
		// deadline once a request without a body is read.
		if body.kind == kindUpload {
			select {
			case s.limiter.uploads <- struct{}{}:
				defer func() { <-s.limiter.uploads }()
			default:
				w.Header().Set("Retry-After", "5")
				writeError(w, api.CodeBusy, fmt.Sprintf("%d uploads are being read already; retry later", cap(s.limiter.uploads)))
				return
			}
			r.Body = &idleBody{rc: http.NewResponseController(w), body: r.Body,
				idle: s.limits.BodyIdle, end: time.Now().Add(s.limits.UploadTimeout)}
		}
		if r.ContentLength > body.max {
			writeError(w, api.CodeTooLarge, fmt.Sprintf("body of %d bytes exceeds this route's limit of %d bytes", r.ContentLength, body.max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, body.max)
		h.ServeHTTP(w, r)
	})
}

// allow charges the request to its token's or its address's bucket; over
// budget it answers 429 and returns false.
func (s *Server) allow(w http.ResponseWriter, r *http.Request) bool {
	if s.limiter.perIP == nil {
		return true
	}
	now := time.Now()
	bucket, key, what := s.limiter.perIP, "ip "+clientNet(r.RemoteAddr), "address"
	rate := s.limits.Rate.PerIP
	if tok := presentedToken(r); tok != "" && s.opts.TokenRole != nil {
		// Only a token that verifies has a bucket of its own, so invented
		// tokens are charged to their sender's address.
		if role, err := s.opts.TokenRole(tok, now); err == nil {
			bucket, key, what, rate = s.limiter.perToken, "token "+tokenKey(tok), "token", s.limits.Rate.PerToken
			if role == "ingest" || role == "admin" {
				bucket, rate = s.limiter.ingest, s.limits.Rate.Ingest
			}
		}
	}
	ok, wait := bucket.Allow(key, now)
	if ok {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(retrySeconds(wait)))
	writeError(w, api.CodeRateLimited, fmt.Sprintf("rate limit of %g requests a second (burst %d) per %s reached; retry after %s",
		rate.PerSecond, rate.Burst, what, wait.Round(time.Millisecond)))
	return false
}

// retrySeconds is a Retry-After value: whole seconds, at least 1.
func retrySeconds(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}

// clientNet is the rate-limit key of a remote address: the IPv4 address,
// or the /64 of an IPv6 one (one host usually holds a whole /64).
func clientNet(remote string) string {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}

// tokenKey names a token's bucket without keeping the token itself.
func tokenKey(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:16])
}

// idleBody extends the connection's read deadline before each read by
// idle, never beyond end: an upload may take long, but may not stall.
type idleBody struct {
	rc   *http.ResponseController
	body interface {
		Read([]byte) (int, error)
		Close() error
	}
	idle time.Duration
	end  time.Time
}

func (b *idleBody) Read(p []byte) (int, error) {
	deadline := time.Now().Add(b.idle)
	if deadline.After(b.end) {
		deadline = b.end
	}
	_ = b.rc.SetReadDeadline(deadline)
	return b.body.Read(p)
}

func (b *idleBody) Close() error { return b.body.Close() }

// bodyError answers a failed body read: 413 when it was too long, 408 when
// it stalled or took too long, else fallback with the error.
func bodyError(w http.ResponseWriter, err error, fallback api.Code, what string) {
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, api.CodeTooLarge, fmt.Sprintf("%s exceeds %d bytes", what, tooBig.Limit))
	case errors.Is(err, os.ErrDeadlineExceeded):
		writeError(w, api.CodeBodyTimeout, what+" was not received in time: it stalled or took too long")
	default:
		writeError(w, fallback, err.Error())
	}
}
