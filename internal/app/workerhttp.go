package app

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/server"
)

// listenWorkerHTTP serves the HTTP of a node without the api role
// (`--roles ingest,scan`, `--roles index`): api nodes
// send a WHIP publisher to the worker that owns its room, at the http.addr
// its presence carries (307, or forwarded for browsers: whipredirect.go,
// whipforward.go), so the worker must answer there, and every node's
// health and metrics are scraped where it runs. It serves only what the
// node owns, its WHIP sessions (ingest), /healthz, /readyz and /metrics
// (server.WorkerRoute), with the token checks of an api node, revocations
// included; rooms, alerts and every other route are the api nodes' (404
// here).
func (s *Service) listenWorkerHTTP() error {
	if err := s.retryStep(context.Background(), "revocation bucket", func(context.Context) error { return s.openRevocations() }); err != nil { // tokens.go
		return err
	}
	if s.cfg.Cluster.Has("ingest") {
		var err error
		if s.whip, err = s.newWHIP(); err != nil {
			return fmt.Errorf("whip: %w", err)
		}
	}
	opts := server.Options{
		WHIP: s.whipHandler(), Metrics: s.metricsHandler(), Ready: s.readiness(), Logger: s.log,
		Tokens: s.tokens, AllowAnonymous: !s.cfg.HTTP.RequireTokens, PublicMetrics: s.cfg.HTTP.PublicMetrics,
		Limits: httpLimits(s.cfg.HTTP), TokenRole: s.tokenRole, AllowOrigins: s.cfg.HTTP.AllowOrigin,
		AllowedHosts: allowedHosts(s.cfg.HTTP), Only: server.WorkerRoute,
	}
	return s.serveHTTP(server.New(opts))
}
