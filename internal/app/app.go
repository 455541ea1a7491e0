package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"

	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/alerter/webhook"
	"github.com/earshot/earshot/cluster/roomsync"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/ingest/whip"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/auth/revocation"
	"github.com/earshot/earshot/links"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/reports"
	"github.com/earshot/earshot/rooms"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/store"
)

// Service is a running `earshot serve`.
type Service struct {
	cfg     config.Config
	log     *slog.Logger
	nats    *natsembed.Server   // nil with an external cluster
	bounds  storeBounds         // every stream's MaxBytes (bounds.go)
	natsKey *natsauth.Authority // the embedded server's keys; nil with an external cluster
	// perms is what this node's NATS user may do (natsperms.go); nil:
	// unrestricted (the embedded server's service user) or unknown.
	perms *natsPerms
	nc    *nats.Conn
	sink  *natsink.Sink
	// escalation counts the scan role's reminders (escalation.go); nil
	// without the scan role.
	escalation *escalation.Tracker
	rec        transcript.Recognizer
	engines    *engines
	whip       *whip.Server
	whipClaims *whipClaims // the WHIP sessions' room claims (whipclaim.go); nil without the ingest role
	reg        *rooms.Registry
	cancel     context.CancelFunc
	http       *http.Server
	httpLn     net.Listener
	keys       *auth.Keys    // HTTP token keys (tokens.go)
	tokens     *auth.Checker // verifies every request's token
	// revocations is the watched revocation list (tokens.go).
	revocations *revocation.Store
	api         *server.Server // nil until the API listens
	lex         *lexicons      // versions, hot swap, /v1/lexicons (lexicons.go)
	// lexLoader is the one source of the lexicon (lexicon.go): configured
	// until the versions are watched, then the active version.
	lexLoader *lexiconLoader

	transcripts *store.Store     // searchable final utterances (store.go)
	roles       roles            // ingest, scan, index over the utterance stream (roles.go)
	cases       caseQueue        // the api role's case queue and appeals (cases.go)
	search      searchRole       // transcript reads over every index node (search.go)
	trust       trustRole        // the trust ledger's view and writer (trust.go)
	webhooks    *webhook.Service // delivery and /v1/webhooks on api nodes (webhooks.go)
	// reports takes viewer reports and runs polls on API nodes (reports.go).
	reports  *reports.Service
	links    *links.Service // returning violators: identifiers, bans (links.go)
	roomSync *roomsync.Sync // registrations shared over EARSHOT_ROOMS (roomsync.go)
	boot     *booting       // what the NATS-dependent start-up waits for (startup.go)
}

// Start brings every part up; on error, whatever started is stopped again.
func Start(ctx context.Context, cfg config.Config, log *slog.Logger) (_ *Service, err error) {
	s := &Service{cfg: cfg, log: log}
	defer func() {
		if err != nil {
			s.Close(context.Background())
		}
	}()
	if s.keys, err = OpenHTTPKeys(cfg.DataDir, cfg.HTTP.TokenKeys, log); err != nil {
		return nil, err
	}
	s.tokens = &auth.Checker{Verifier: s.keys.Verifier}
	if s.tokens.Viewers, err = platformViewers(cfg.Reports.ViewerKeys); err != nil { // reports.go
		return nil, err
	}
	s.lexLoader = newLexiconLoader(cfg, log)
	if s.rec, err = newRecognizer(cfg, s.lexLoader, log); err != nil { // kws follows lexicon versions
		return nil, err
	}
	s.engines = newEngines(cfg, s.rec, s.lexLoader, log)
	if err = s.beginStartup(); err != nil { // startup.go: /readyz says what start-up waits for
		return nil, err
	}
	if err = s.connectNATS(ctx); err != nil {
		return nil, err
	}
	if err = s.awaitNATS(ctx); err != nil { // startup.go: NATS may be down or electing; retried
		return nil, err
	}
	if err = s.checkNATSPermissions(ctx); err != nil { // natsperms.go: creds that cannot do the roles' job fail now
		return nil, err
	}
	if err = s.retryStep(ctx, "stream bounds", func(ctx context.Context) (err error) {
		s.bounds, err = s.storeBounds(ctx) // bounds.go: every stream's MaxBytes
		return err
	}); err != nil {
		return nil, fmt.Errorf("stream bounds: %w", err)
	}
	if err = s.retryStep(ctx, "lexicon versions", s.startLexicons); err != nil {
		return nil, err
	}
	var shared natsink.SharedCooldown
	if err = s.retryStep(ctx, "cooldown bucket", func(ctx context.Context) (err error) {
		shared, err = s.sharedCooldown(ctx, cfg.Cluster.Replicas, s.bounds.cooldown) // roles.go: survives a scanner handover
		return err
	}); err != nil {
		return nil, err
	}
	if err = s.openSpools(); err != nil { // spool.go: what an unreachable NATS could not take
		return nil, err
	}
	sinkOpts := natsink.Options{
		Cooldown: time.Duration(cfg.Alerts.Cooldown), CooldownFor: s.lexLoader.Cooldown,
		MaxAge: time.Duration(cfg.Alerts.Retention), MaxBytes: s.bounds.alerts, Logger: log,
		Replicas: cfg.Cluster.Replicas, SharedCooldown: shared, Spool: s.roles.spools.alerts,
		Bind: !s.mayManage(alerter.AlertStream), // jsscope.go: a role that may not make it waits for it
	}
	if s.nats != nil {
		sinkOpts.Health = s.nats.StreamWritable // refuse at once, naming why, while the disk is full
	}
	if cfg.Cluster.Has("scan") { // escalation.go: repeated reminders escalate, quiet ones are heeded
		if err = s.retryStep(ctx, "escalation bucket", func(ctx context.Context) (err error) {
			s.escalation, err = s.openEscalation(ctx)
			return err
		}); err != nil {
			return nil, err
		}
		sinkOpts.Observer = s.escalation
	}
	if err = s.retryStep(ctx, "alert stream", func(ctx context.Context) (err error) {
		if sinkOpts.Bind {
			if err := s.awaitStream(ctx, alerter.AlertStream); err != nil {
				return err
			}
		}
		s.sink, err = natsink.New(ctx, s.nc, sinkOpts)
		return err
	}); err != nil {
		return nil, fmt.Errorf("alert stream: %w", err)
	}
	if err = s.retryStep(ctx, "event stream", s.ensureEvents); err != nil { // roles.go: the workflow's record
		return nil, err
	}
	if s.transcripts, err = openTranscripts(cfg, log); err != nil {
		return nil, err
	}
	s.SetTranscriptSource(s.transcripts)
	if err = s.retryStep(ctx, "links buckets", s.openLinks); err != nil { // links.go: before the scan role, which links
		return nil, err
	}
	if cfg.Cluster.Has("api") { // its bucket made before the roles start, like the other streams
		if err = s.retryStep(ctx, "reports bucket", func(ctx context.Context) (err error) {
			s.reports, err = s.openReports(ctx) // reports.go
			return err
		}); err != nil {
			return nil, err
		}
	}
	if err = s.startRoles(ctx); err != nil { // roles.go: scan and index consume the utterance stream
		return nil, err
	}
	if err = s.startTrust(ctx); err != nil { // trust.go: the trust ledger's view and writer
		return nil, err
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s.cancel = cancel
	if s.roles.bus != nil {
		s.reg, err = s.openRooms(runCtx, pipeline.Config{
			Recognizer: s.rec, Bus: s.roles.bus, NewSegmenter: NewSegmenter, Logger: log,
		}) // internal/app/rooms.go: stored rooms, pulled sources, evidence
		if err != nil {
			return nil, err
		}
		if err = s.retryStep(ctx, "room list", s.openRoomSync); err != nil { // roomsync.go: the cluster's room list
			return nil, err
		}
	}
	if cfg.Cluster.Has("api") {
		return s, s.listenHTTP()
	}
	return s, s.listenWorkerHTTP() // workerhttp.go: its WHIP sessions (ingest), health, metrics
}

func (s *Service) listenHTTP() error {
	// Retried like the other start-up steps while a new cluster elects
	// the buckets' leaders (startup.go).
	if err := s.retryStep(context.Background(), "revocation bucket", func(context.Context) error { return s.openRevocations() }); err != nil { // tokens.go
		return err
	}
	if err := s.retryStep(context.Background(), "webhooks", s.startWebhooks); err != nil { // webhooks.go
		return err
	}
	var err error
	if s.whip, err = s.newWHIP(); err != nil {
		return fmt.Errorf("whip: %w", err)
	}
	// console.go: compliance console feeds, alert review, pages' tokens.
	base := server.Options{
		Rooms: s.roomsAPI(), Alerts: s.sink, UploadDir: filepath.Join(s.cfg.DataDir, "uploads"),
		Metrics: s.metricsHandler(), Logger: s.log, Lexicons: s.lex,
		AllowAnonymous: !s.cfg.HTTP.RequireTokens, PublicMetrics: s.cfg.HTTP.PublicMetrics,
		WHIP: s.whipHandler(), Transcripts: s.transcriptSource(), Ready: s.readiness(), // readiness.go
		MaxUpload: int64(s.cfg.HTTP.Limits.MaxUpload), Limits: httpLimits(s.cfg.HTTP), TokenRole: s.tokenRole, // limits.go
		Links:   s.linkService(),                                                                                                                           // links.go
		Reports: s.reports, Revocations: s.revocations, Webhooks: s.webhooks, AllowOrigins: s.cfg.HTTP.AllowOrigin, AllowedHosts: allowedHosts(s.cfg.HTTP), // tokens.go
	}
	var opts server.Options
	err = s.retryStep(context.Background(), "console buckets", func(context.Context) (err error) {
		if s.cases.builder != nil { // a try that failed after starting it
			s.cases.builder.Close()
			s.cases.builder = nil
		}
		opts, err = s.console(base) // console.go: dispositions, cases, appeals
		return err
	})
	if err != nil {
		return err
	}
	if v := s.trustView(); v != nil {
		opts.Trust = v // trust.go: /v1/trust from this node's view of the ledger
	}
	if opts.AllowAnonymous {
		s.log.Warn("SECURITY: http.require_tokens is false: every API route but publishing, dispositions and token revocation answers requests WITHOUT A TOKEN; anyone who reaches " +
			s.cfg.HTTP.Addr + " can read alerts, evidence and transcripts and feed any room. Remove the setting (or EARSHOT_REQUIRE_TOKENS=0) to require tokens")
	}
	if opts.PublicMetrics {
		s.log.Info("http.public_metrics: /metrics answers without a token")
	}
	return s.serveHTTP(server.New(opts))
}

// serveHTTP listens on http.addr (the start-up listener's address, port 0
// resolved) and serves api there.
func (s *Service) serveHTTP(api *server.Server) error {
	s.api = api
	addr := s.cfg.HTTP.Addr
	if s.boot != nil && s.boot.addr != "" {
		addr = s.boot.addr // the temporary start-up listener's (port 0 resolved)
	}
	s.endStartup()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	s.httpLn, s.http = ln, api.HTTPServer(s.cfg.HTTP.Addr)
	if s.roles.place != nil { // whipredirect.go: other nodes redirect this room's publishers here
		s.roles.place.SetAddr(s.HTTPAddr())
	}
	go func() {
		if err := s.http.Serve(limitListener(ln, s.cfg.HTTP.Limits.MaxConnections)); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("http server stopped", "err", err)
		}
	}()
	return nil
}

// HTTPAddr is where the API listens (useful with port 0).
func (s *Service) HTTPAddr() string {
	if s.httpLn == nil {
		return ""
	}
	return s.httpLn.Addr().String()
}

// Close stops accepting work, lets running rooms finalize and flush their
// alerts, then closes the sink, NATS and the embedded server, in that order.
func (s *Service) Close(ctx context.Context) {
	s.endStartup()
	if s.http != nil {
		_ = s.http.Shutdown(ctx)
	}
	if s.whip != nil {
		_ = s.whip.Close()
	}
	if s.roomSync != nil { // before the rooms stop: a drain is not a removal
		s.roomSync.Close()
	}
	if s.cancel != nil {
		s.cancel()
	}
	if s.reg != nil {
		s.reg.Wait()
	}
	s.stopRoles() // after rooms drained: their last hypotheses are scanned
	s.stopSearch()
	s.stopTrust()
	s.closeTranscripts(ctx) // after the index role stopped: its last utterances are queued
	if s.reports != nil {
		s.reports.Close() // before the sink: a burst being raised still reaches it
	}
	if s.webhooks != nil {
		s.webhooks.Close() // attempts in flight go back to the queue for the next start
	}
	if s.sink != nil {
		_ = s.sink.Close()
	}
	if s.escalation != nil { // after the sink: no Observe is in flight
		s.escalation.Close()
	}
	s.closeSpools() // after the bus (stopRoles) and the sink
	if s.revocations != nil {
		s.revocations.Close()
	}
	s.closeCases()
	if s.links != nil { // after the roles: no Link is in flight
		s.links.Close()
	}
	if s.nc != nil {
		s.lex.close()
		_ = s.nc.Drain()
	}
	if s.engines != nil {
		s.engines.Close()
	}
	if s.rec != nil {
		_ = s.rec.Close()
	}
	if s.nats != nil {
		_ = s.nats.Shutdown(ctx)
	}
}
