package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
)

// DefaultStartupTimeout bounds the part of start-up that needs NATS
// (config cluster.startup_timeout): a node started while NATS is down, or
// while a new cluster elects its leaders, waits and retries that long.
const DefaultStartupTimeout = 5 * time.Minute

// booting is what the NATS-dependent start-up waits for, shown by the
// temporary /readyz of an api node until the real one listens.
type booting struct {
	mu       sync.Mutex
	since    time.Time
	deadline time.Time
	step     string
	attempt  int
	err      error
	srv      *http.Server
	addr     string // the temporary listener's address: the API takes it over
}

func (b *booting) set(step string, attempt int, err error) {
	b.mu.Lock()
	b.step, b.attempt, b.err = step, attempt, err
	b.mu.Unlock()
}

// Ready says what start-up waits for.
func (b *booting) Ready(context.Context) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	why := "starting"
	if b.err != nil {
		why = fmt.Sprintf("%s failed %d times, retrying: %v", b.step, b.attempt, b.err)
	} else if b.step != "" {
		why = "starting: " + b.step
	}
	return fmt.Errorf("start-up waits for NATS since %s (gives up at %s, cluster.startup_timeout): %s",
		b.since.UTC().Format(time.RFC3339), b.deadline.UTC().Format(time.RFC3339), why)
}

// beginStartup starts the clock of the NATS-dependent start-up and, for a
// node on an external NATS that serves HTTP, a temporary HTTP listener: /healthz
// answers (the process lives), /readyz and everything else 503 naming what
// start-up waits for, until listenHTTP (or listenWorkerHTTP on an ingest
// worker) takes the address over.
func (s *Service) beginStartup() error {
	d := time.Duration(s.cfg.Cluster.StartupTimeout)
	if d <= 0 {
		d = DefaultStartupTimeout
	}
	now := time.Now()
	s.boot = &booting{since: now, deadline: now.Add(d)}
	if s.cfg.NATS.URL == "" { // every node serves HTTP (workerhttp.go)
		return nil
	}
	ln, err := net.Listen("tcp", s.cfg.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("http: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"status":"starting"}`))
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		out := api.Readiness{Status: api.StatusUnready, Checks: []api.Check{{Name: "startup", Error: s.boot.Ready(r.Context()).Error()}}}
		w.Header().Set("Retry-After", "2")
		writeStartupJSON(w, out)
	})
	// No keep-alive: a client must not hold a connection to this listener
	// when the API takes the address over.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	srv.SetKeepAlivesEnabled(false)
	s.boot.srv, s.httpLn, s.boot.addr = srv, ln, ln.Addr().String()
	// srv, not s.boot.srv: a start-up that fails at once (a creds file
	// missing) ends the listener, and clears s.boot.srv, before this
	// goroutine may have run.
	go func() { _ = srv.Serve(ln) }()
	return nil
}

// endStartup stops the temporary listener: the API listens on the address
// next (a client may be refused for that moment and tries again).
func (s *Service) endStartup() {
	if s.boot == nil || s.boot.srv == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = s.boot.srv.Shutdown(ctx)
	s.boot.srv, s.httpLn = nil, nil
}

// retryStep runs one idempotent start-up step until it succeeds, retrying
// what a cluster that is down or still electing its leaders answers (no
// connection, timeouts, no responders, JetStream temporarily unavailable)
// with back-off up to the start-up deadline; any other error is returned
// at once.
func (s *Service) retryStep(ctx context.Context, step string, f func(context.Context) error) error {
	if s.boot == nil { // a step outside Start
		s.boot = &booting{since: time.Now(), deadline: time.Now().Add(DefaultStartupTimeout)}
	}
	backoff := 200 * time.Millisecond
	for attempt := 1; ; attempt++ {
		// Each try has its own deadline, short at first: a JetStream
		// cluster may never answer one of several concurrent identical
		// creates of a stream (three nodes starting at once on a new
		// cluster), and the next try is answered at once, so a lost reply
		// costs two seconds, not the step's whole budget.
		actx, cancel := context.WithTimeout(ctx, attemptTimeout(attempt))
		err := f(actx)
		cancel()
		if err == nil {
			if attempt > 1 {
				s.log.Info("start-up step done after retries", "step", step, "attempts", attempt)
			}
			s.boot.set("", 0, nil)
			return nil
		}
		if !transient(err) {
			return s.storageRefused(err) // bounds.go: names the settings when storage is short
		}
		if time.Now().Add(backoff).After(s.boot.deadline) {
			return fmt.Errorf("%s: NATS did not answer within cluster.startup_timeout (%s, %d tries): %w",
				step, time.Until(s.boot.deadline)+time.Since(s.boot.since), attempt, err)
		}
		s.boot.set(step, attempt, err)
		s.log.Warn("start-up waits for NATS", "step", step, "attempt", attempt, "retry_in", backoff, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s: %w (last: %w)", step, ctx.Err(), err)
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// attemptTimeout bounds try n of a start-up step: 2 s doubling up to 30 s,
// so a step that is slow on a loaded machine (a compile, a room list)
// fits a later try.
func attemptTimeout(n int) time.Duration {
	d := 2 * time.Second
	for i := 1; i < n && d < 30*time.Second; i++ {
		d *= 2
	}
	return min(d, 30*time.Second)
}

// awaitNATS waits until the connection is up and JetStream answers this
// account (in a cluster, that needs a meta leader).
func (s *Service) awaitNATS(ctx context.Context) error {
	return s.retryStep(ctx, "connecting to NATS", func(ctx context.Context) error {
		if !s.nc.IsConnected() {
			if err := s.nc.LastError(); err != nil && permanentConnectError(err) {
				return fmt.Errorf("connecting to NATS at %s: %w", s.cfg.NATS.URL, err)
			}
			last := "no server has answered yet"
			if err := s.nc.LastError(); err != nil {
				last = "last error: " + err.Error()
			}
			return fmt.Errorf("%w: NATS at %s is %s (%s)", errNotYet, s.natsURLs(), s.nc.Status(), last)
		}
		js, err := jetstream.New(s.nc)
		if err != nil {
			return err
		}
		tctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := js.AccountInfo(tctx); err != nil {
			return fmt.Errorf("JetStream at %s: %w", s.nc.ConnectedUrlRedacted(), err)
		}
		return nil
	})
}

func (s *Service) natsURLs() string {
	if s.cfg.NATS.URL != "" {
		return s.cfg.NATS.URL
	}
	return s.NATSURL()
}

var errNotYet = errors.New("not connected yet")

// permanentConnectError: retrying cannot help (wrong credentials, TLS).
func permanentConnectError(err error) bool {
	if errors.Is(err, nats.ErrAuthorization) || errors.Is(err, nats.ErrAuthExpired) || errors.Is(err, nats.ErrAuthRevoked) ||
		errors.Is(err, nats.ErrSecureConnRequired) || errors.Is(err, nats.ErrSecureConnWanted) {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "authorization") || strings.Contains(msg, "authentication") || strings.Contains(msg, "tls") ||
		strings.Contains(msg, "certificate")
}

// transient tells what a NATS that is down or electing answers.
func transient(err error) bool {
	var apiErr *jetstream.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode {
		case 10008, // JetStream system temporarily unavailable
			10005, // no suitable peers for placement (peers still joining)
			10009: // not the leader
			return true
		}
		return false
	}
	return errors.Is(err, errNotYet) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) ||
		errors.Is(err, nats.ErrNoResponders) || errors.Is(err, jetstream.ErrNoStreamResponse) ||
		errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, nats.ErrConnectionReconnecting) ||
		errors.Is(err, nats.ErrDisconnected) || errors.Is(err, jetstream.ErrJetStreamNotEnabled)
}

func writeStartupJSON(w http.ResponseWriter, v any) {
	data, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusServiceUnavailable)
	_, _ = w.Write(data)
}
