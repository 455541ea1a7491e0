package app

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/server"
)

// console adds what the compliance console and the anchor overlay need to
// the API's options: token checks, live NATS feeds, alert lookup and the
// dispositions bucket.
func (s *Service) console(opts server.Options) (server.Options, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	disp, err := disposition.Open(ctx, s.nc, disposition.Options{Logger: s.log, MaxBytes: s.bounds.dispositions,
		Replicas: s.cfg.Cluster.Replicas})
	if err != nil {
		return opts, fmt.Errorf("dispositions: %w", err)
	}
	opts.Tokens, opts.Bus, opts.Dispositions, opts.Lookup = s.tokens, s.nc, disp, s.sink.Log()
	js, err := s.jetStream()
	if err != nil {
		return opts, fmt.Errorf("jetstream: %w", err)
	}
	opts.Escalations = escalation.NewLog(js) // GET /v1/escalations reads the event stream
	s.SetDispositionSource(verdicts{disp})
	return s.openCases(ctx, opts) // cases.go
}

// ConsoleURL is the console's address with a fresh compliance token that
// expires after ttl (0: the role's default), for `earshot serve` to print.
func (s *Service) ConsoleURL(ttl time.Duration) (string, error) {
	tok, err := s.Mint(auth.Request{Role: api.RoleCompliance, Subject: "console", TTL: ttl})
	if err != nil {
		return "", err
	}
	return s.pageURL("/", tok), nil
}

// OverlayURL is room's overlay address with a room token.
func (s *Service) OverlayURL(room string, ttl time.Duration) (string, error) {
	if err := alerter.ValidRoomID(room); err != nil {
		return "", err
	}
	tok, err := s.Mint(auth.Request{Role: api.RoleAnchor, Room: room, TTL: ttl})
	if err != nil {
		return "", err
	}
	return s.pageURL("/overlay/"+room, tok), nil
}

// pageURL uses a browsable host: a wildcard listen address becomes
// localhost. The token goes in the fragment, which a browser never sends:
// the page signs in with it and removes it (web/static/api.js).
func (s *Service) pageURL(path, tok string) string {
	host, port, err := net.SplitHostPort(s.HTTPAddr())
	if err == nil && (host == "" || host == "0.0.0.0" || host == "::") {
		host = "localhost"
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, port), Path: path, Fragment: "token=" + tok}
	return u.String()
}
