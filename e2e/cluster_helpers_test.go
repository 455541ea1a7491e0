package e2e

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/cluster/status"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// leasePeriod is the room claims' TTL (cluster/placement's default).
const leasePeriod = 3 * time.Second

// ingestHub is an in-process api, scan and index node with the embedded
// NATS server, for ingest workers that run as processes of their own.
type ingestHub struct {
	*app.Service
	dir    string
	token  string // admin
	replay string // the workers' replay recognizer file
}

func startIngestHub(t *testing.T, mutate ...func(*config.Config)) *ingestHub {
	t.Helper()
	dir := t.TempDir()
	svc := startService(t, func(c *config.Config) {
		c.DataDir = dir
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
		c.Recognizer.Engine = "none"
		c.Cluster.Roles = []string{"api", "scan", "index"}
		allowLoopback(c)
		for _, m := range mutate {
			m(c)
		}
	})
	replay := filepath.Join(t.TempDir(), "replay.jsonl")
	if err := os.WriteFile(replay, []byte(`{"start_ms":500,"end_ms":1500,"text":"an alpha phrase","final":true}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return &ingestHub{Service: svc, dir: dir, token: mint(t, svc, api.RoleAdmin, ""), replay: replay}
}

// worker starts an ingest+api worker process reaching NATS at natsURL
// ("" for the hub's own address) and waits until it answers.
func (h *ingestHub) worker(t *testing.T, name, natsURL string, mutate ...func(*config.Config)) *node {
	t.Helper()
	dir := t.TempDir()
	copyDir(t, filepath.Join(h.dir, "keys"), filepath.Join(dir, "keys"))
	cfg := config.Default()
	cfg.DataDir = dir
	cfg.HTTP.Addr = "127.0.0.1:" + testutil.FreePort(t, "tcp")
	cfg.NATS.URL = h.NATSURL()
	if natsURL != "" {
		cfg.NATS.URL = natsURL
	}
	cfg.NATS.CredsFile = natstest.CredsFile(t, h.NATSAuth(), natsauth.User{Role: natsauth.RoleService, Name: name})
	cfg.Cluster.Roles = []string{"ingest", "api"}
	cfg.Lexicon.File, cfg.Lexicon.Phonetic = mustAbs(t, "testdata/lexicon/v1.yaml"), false
	// A pulled room needs a recognizer ("none" refuses audio): the replay
	// engine says one line at 0.5 s of every session.
	cfg.Recognizer.Engine, cfg.Recognizer.Replay.File = "replay", h.replay
	allowLoopback(&cfg)
	for _, m := range mutate {
		m(&cfg)
	}
	n := startNode(t, name, cfg, h.token)
	n.addr = cfg.HTTP.Addr
	testutil.WaitFor(t, 60*time.Second, name+" answering", func() bool { _, err := n.api.Rooms(context.Background()); return err == nil })
	return n
}

// status is `earshot cluster status`, read with the operator's monitor
// creds (read-only), as an operator would.
func (h *ingestHub) status(t *testing.T) status.Status {
	t.Helper()
	nc := natstest.Connect(t, h.NATSURL(), h.NATSAuth(), natsauth.User{Role: natsauth.RoleMonitor, Name: "e2e-status"},
		nats.CustomInboxPrefix(natsauth.MonitorInboxPrefix))
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := status.Gather(ctx, js, 0)
	if err != nil {
		t.Logf("cluster status: %v", err)
	}
	return st
}

// roomsOf lists the room claims cluster status shows for the node
// serving HTTP at addr.
func roomsOf(st status.Status, addr string) []string {
	for _, n := range st.Nodes {
		if n.HTTP == addr {
			return n.Rooms
		}
	}
	return nil
}

// pullLog is a far end serving an endless WAV per room (wavServer's) that
// records every pull, room path by room path, so a test counts pulls from
// the source's side.
type pullLog struct {
	*httptest.Server
	testutil.Pulls
}

func startPullLog(t *testing.T) *pullLog {
	t.Helper()
	pl := &pullLog{}
	wav := wavServer(t)
	pl.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer pl.Begin(r.URL.Path)()
		resp, err := http.Get(wav.URL + r.URL.Path) // the same endless stream, relayed
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", "audio/wav")
		buf := make([]byte, 3200)
		for r.Context().Err() == nil {
			n, err := resp.Body.Read(buf)
			if n > 0 {
				if _, werr := w.Write(buf[:n]); werr != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
			if err != nil {
				return
			}
		}
	}))
	t.Cleanup(func() { pl.CloseClientConnections(); pl.Close() })
	return pl
}

// tcpProxy stands between a worker and its NATS server; cut stalls every
// byte both ways without closing anything (the network between them
// gone, both ends alive), heal lets them flow again.
type tcpProxy struct {
	ln       net.Listener
	upstream string
	mu       sync.Mutex
	cond     *sync.Cond
	cut      bool
	conns    []net.Conn
}

func startTCPProxy(t *testing.T, upstream string) *tcpProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &tcpProxy{ln: ln, upstream: upstream}
	p.cond = sync.NewCond(&p.mu)
	go p.serve()
	t.Cleanup(func() {
		p.heal()
		ln.Close()
		p.mu.Lock()
		for _, c := range p.conns {
			c.Close()
		}
		p.mu.Unlock()
	})
	return p
}

func (p *tcpProxy) addr() string { return p.ln.Addr().String() }

func (p *tcpProxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		u, err := net.Dial("tcp", p.upstream)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, u)
		p.mu.Unlock()
		go p.pipe(u, c)
		go p.pipe(c, u)
	}
}

func (p *tcpProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		p.mu.Lock()
		for p.cut {
			p.cond.Wait()
		}
		p.mu.Unlock()
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

func (p *tcpProxy) setCut(cut bool) {
	p.mu.Lock()
	p.cut = cut
	p.mu.Unlock()
	p.cond.Broadcast()
}

func (p *tcpProxy) stall() { p.setCut(true) }
func (p *tcpProxy) heal()  { p.setCut(false) }

// natsHostPort is the host:port of a nats:// URL.
func natsHostPort(u string) string {
	u = strings.TrimPrefix(u, "nats://")
	if i := strings.IndexByte(u, ','); i >= 0 {
		u = u[:i]
	}
	return u
}

// within polls cond until it holds (true) or d has passed (false).
func within(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond) // polling interval
	}
	return true
}
