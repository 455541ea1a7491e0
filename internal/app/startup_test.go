package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/keyfile"
	"github.com/earshot/earshot/internal/natscluster"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/links"
)

// TestStartWhileNATSIsDown: `earshot serve` on an external NATS (a real
// nats-server process) that is down when it starts: the process answers
// /healthz, /readyz says 503 naming the start-up step it waits for, and
// when the server comes up the node finishes its start-up by itself and
// scans posted text. Then NATS goes away again: a post is answered 202
// queued (the local spool), /readyz names the spool, and once NATS is
// back the alert is stored exactly once.
func TestStartWhileNATSIsDown(t *testing.T) {
	cl := natscluster.Start(t, 1, natstest.Authority(t))
	creds := natstest.CredsFile(t, cl.Auth, natsauth.User{Role: natsauth.RoleService, Name: "worker"})
	cl.Kill(0)

	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr = "127.0.0.1:" + testutil.FreePort(t, "tcp")
	cfg.Recognizer.Engine = "none"
	cfg.NATS.URL, cfg.NATS.CredsFile = cl.URLs[0], creds
	cfg.Cluster.StartupTimeout = config.Duration(90 * time.Second)
	cfg.NATS.StoreLimit = 1 << 30 // the test servers' max_file_store
	type started struct {
		svc *Service
		err error
	}
	done := make(chan started, 1)
	go func() {
		svc, err := Start(context.Background(), cfg, testutil.Quiet())
		done <- started{svc, err}
	}()
	base := "http://" + cfg.HTTP.Addr
	testutil.Eventually(t, 20*time.Second, func() error {
		code, body, err := get(base + "/readyz")
		if err != nil {
			return err
		}
		if code != http.StatusServiceUnavailable || !strings.Contains(string(body), `"startup"`) ||
			!strings.Contains(string(body), "connecting to NATS") {
			return fmt.Errorf("/readyz while NATS is down: %d %s", code, body)
		}
		return nil
	})
	if code, body := testutil.Do(t, http.MethodGet, base+"/healthz", "", ""); code != http.StatusOK {
		t.Fatalf("/healthz while starting: %d %s", code, body)
	}
	cl.Restart(0)
	var s started
	select {
	case s = <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("start-up did not finish after NATS came up")
	}
	if s.err != nil {
		t.Fatalf("start-up: %v", s.err)
	}
	svc := s.svc
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	if svc.HTTPAddr() != cfg.HTTP.Addr {
		t.Fatalf("API on %s, want the configured %s", svc.HTTPAddr(), cfg.HTTP.Addr)
	}
	tok, err := svc.Mint(auth.Request{Role: api.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	post := func(text string) (int, api.UtterancesResult) {
		var res api.UtterancesResult
		code := testutil.DoJSON(t, "POST", base+"/v1/rooms/r1/utterances", tok, fmt.Sprintf(`{"text": %q}`, text), &res)
		return code, res
	}
	if code, res := post("this cream cures diabetes"); code != http.StatusOK || len(res.Alerts) != 1 {
		t.Fatalf("post after start-up: %d %+v", code, res)
	}

	cl.Kill(0)
	// A post that reaches the connection before it sees the server gone
	// waits out the bus's ScanTimeout (10 s) for an answer, then 503: the
	// window holds a few posts, so the one after that is spooled.
	testutil.Eventually(t, 40*time.Second, func() error {
		code, body := testutil.Do(t, "POST", base+"/v1/rooms/r1/utterances", tok, `{"text": "this cream cures cancer"}`)
		var res api.UtterancesResult
		if code != http.StatusAccepted || json.Unmarshal(body, &res) != nil || !res.Queued {
			return fmt.Errorf("post while NATS is down: %d %s", code, body)
		}
		return nil
	})
	code, body := testutil.Do(t, http.MethodGet, base+"/readyz", "", "")
	if code != http.StatusServiceUnavailable || !strings.Contains(string(body), "spooled on local disk") {
		t.Fatalf("/readyz while spooling: %d %s", code, body)
	}
	cl.Restart(0)
	testutil.Eventually(t, 30*time.Second, func() error {
		var log struct {
			Alerts []struct {
				Context string `json:"context"`
			} `json:"alerts"`
		}
		if code := testutil.DoJSON(t, "GET", base+"/v1/alerts?room=r1", tok, "", &log); code != http.StatusOK {
			return fmt.Errorf("GET /v1/alerts: %d", code)
		}
		n := 0
		for _, a := range log.Alerts {
			if strings.Contains(a.Context, "cancer") {
				n++
			}
		}
		if n != 1 || len(log.Alerts) != 2 {
			return fmt.Errorf("alerts %+v: want the queued one once, two in all", log.Alerts)
		}
		return nil
	})
	testutil.Eventually(t, 20*time.Second, func() error {
		if code, body := testutil.Do(t, http.MethodGet, base+"/readyz", "", ""); code != http.StatusOK {
			return fmt.Errorf("/readyz after NATS returned: %d %s", code, body)
		}
		return nil
	})
}

// get is GET that reports a refused connection instead of failing.
func get(url string) (int, []byte, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, body, err
}

// TestExternalStoreTooSmall: the default bounds (alerts 2 GiB, about 6 GiB
// in all) do not fit a server whose max_file_store is 1 GiB: start-up
// fails at once naming the settings that fix it, instead of a bare
// "insufficient storage resources".
func TestExternalStoreTooSmall(t *testing.T) {
	cl := natscluster.Start(t, 1, natstest.Authority(t))
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Recognizer.Engine = "none"
	cfg.NATS.URL = cl.URLs[0]
	cfg.NATS.CredsFile = natstest.CredsFile(t, cl.Auth, natsauth.User{Role: natsauth.RoleService, Name: "worker"})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	svc, err := Start(ctx, cfg, testutil.Quiet())
	if err == nil {
		svc.Close(ctx)
		t.Fatal("started with bounds the server cannot reserve")
	}
	for _, want := range []string{"nats.store_limit", "max_file_store", "alerts.max_bytes"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("start-up error does not name %s: %v", want, err)
		}
	}
}

// TestConcurrentStartOnR3: three nodes start at once on a 3-server
// cluster just started, each creating the R3 streams and buckets while
// the cluster elects their leaders (last session: "ensure stream
// EARSHOT_DLQ: context deadline exceeded"). Every one finishes its
// start-up (steps retried with back-off within cluster.startup_timeout)
// and scans posted text.
func TestConcurrentStartOnR3(t *testing.T) {
	if testing.Short() {
		t.Skip("three services on a 3-server cluster (-short)")
	}
	cl := natscluster.Start(t, 3, natstest.Authority(t))
	const nodes = 3
	seed := lexiconSeed(t)
	errs := make(chan error, nodes)
	svcs := make(chan *Service, nodes)
	for i := range nodes {
		cfg := externalConfig(t, cl, seed, fmt.Sprintf("node%d", i))
		cfg.Cluster.Replicas = 3
		cfg.Cluster.StartupTimeout = config.Duration(2 * time.Minute)
		go func() {
			svc, err := Start(context.Background(), cfg, testutil.Quiet())
			if err != nil {
				errs <- fmt.Errorf("node%d: %w", i, err)
				return
			}
			svcs <- svc
		}()
	}
	for range nodes {
		select {
		case err := <-errs:
			t.Fatal(err)
		case svc := <-svcs:
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				svc.Close(ctx)
			})
			tok, err := svc.Mint(auth.Request{Role: api.RoleAdmin})
			if err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, 30*time.Second, func() error {
				var res api.UtterancesResult
				code := testutil.DoJSON(t, "POST", "http://"+svc.HTTPAddr()+"/v1/rooms/r1/utterances", tok, `{"text": "this cream cures diabetes"}`, &res)
				if code != http.StatusOK || len(res.Alerts) != 1 {
					return fmt.Errorf("post: %d %+v", code, res)
				}
				return nil
			})
		case <-time.After(150 * time.Second):
			t.Fatal("start-up did not finish")
		}
	}
	// Every stream and bucket has the cluster's 3 replicas: one that
	// lives on a single server stops when that server dies (found by
	// hand: EARSHOT_DISPOSITIONS and EARSHOT_LEXICON were R1, so killing
	// the NATS server holding them failed GET /v1/alerts for minutes and a
	// node starting meanwhile waited on the lexicon bucket).
	nc := natstest.Connect(t, cl.URLs[0], cl.Auth, natsauth.User{Role: natsauth.RoleService, Name: "check"})
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, 30*time.Second)
	names := js.StreamNames(ctx)
	n := 0
	for name := range names.Name() {
		n++
		info, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatalf("stream %s: %v", name, err)
		}
		if r := info.CachedInfo().Config.Replicas; r != 3 {
			t.Errorf("stream %s has %d replicas, want cluster.replicas 3", name, r)
		}
	}
	if names.Err() != nil || n < 10 {
		t.Fatalf("%d streams listed: %v", n, names.Err())
	}
}

// lexiconSeed makes a lexicon signing key for the nodes of a test cluster
// to share, as a cluster's nodes do.
func lexiconSeed(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), LexiconKeyFile)
	if _, err := keyfile.CreateSeed(path, nkeys.PrefixByteAccount); err != nil {
		t.Fatal(err)
	}
	seed, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return seed
}

// externalConfig is a text-only node of cl with the shared lexicon key.
func externalConfig(t *testing.T, cl *natscluster.Cluster, seed []byte, name string) config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	if err := os.Mkdir(filepath.Join(cfg.DataDir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(cfg.DataDir, "keys", LexiconKeyFile), seed, 0o600); err != nil {
		t.Fatal(err)
	}
	// and the contact identifiers' hash key, the same on every node
	if err := os.WriteFile(filepath.Join(cfg.DataDir, "keys", links.KeyFile), []byte("a cluster's shared links key, 32"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.Recognizer.Engine = "none"
	cfg.NATS.URL = strings.Join(cl.URLs, ",")
	cfg.NATS.CredsFile = natstest.CredsFile(t, cl.Auth, natsauth.User{Role: natsauth.RoleService, Name: name})
	cfg.NATS.StoreLimit = 1 << 30 // the test servers' max_file_store
	return cfg
}

// TestDamagedSpoolReported: a spool segment damaged at rest (here: not a
// spool at all) does not stop the node; /readyz carries a notice naming
// the lost stretch.
func TestDamagedSpoolReported(t *testing.T) {
	cl := natscluster.Start(t, 1, natstest.Authority(t))
	cfg := externalConfig(t, cl, lexiconSeed(t), "worker")
	first, err := Start(context.Background(), cfg, testutil.Quiet()) // the data dir is made
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	first.Close(ctx)
	dir := filepath.Join(cfg.DataDir, "spool", "utt")
	if err := os.WriteFile(filepath.Join(dir, "0000000000000001.seg"), []byte("ESP1 torn and garbage"), 0o600); err != nil {
		t.Fatal(err)
	}
	svc, err := Start(context.Background(), cfg, testutil.Quiet())
	if err != nil {
		t.Fatalf("a damaged spool stopped the start: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	_, body, err := get("http://" + svc.HTTPAddr() + "/readyz")
	if err != nil || !strings.Contains(string(body), "damaged stretches of the local spool") {
		t.Fatalf("/readyz: %v %s", err, body)
	}
}

// TestBadCredsFileFailsAtOnce: a creds file that is missing or is not
// creds fails start-up at once naming nats.creds_file, however long the
// start-up may wait for NATS, and an api node's start-up listener, which
// the failure ends at once, does not crash the process. Found by hand: a
// garbage file was retried as "NATS RECONNECTING" until
// cluster.startup_timeout, and a missing one crashed an api node 2 times in
// 6 (the listener's goroutine read a server the failed start had cleared).
func TestBadCredsFileFailsAtOnce(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.creds")
	jwtOnly := filepath.Join(dir, "jwt-only.creds")
	seedOnly := filepath.Join(dir, "seed-only.creds")
	cl := natscluster.Start(t, 1, natstest.Authority(t))
	good, err := os.ReadFile(natstest.CredsFile(t, cl.Auth, natsauth.User{Role: natsauth.RoleService, Name: "n"}))
	if err != nil {
		t.Fatal(err)
	}
	cl.Kill(0) // NATS down: only the file can fail start-up at once
	jwtPart, seedPart, _ := bytes.Cut(good, []byte("************************* IMPORTANT"))
	for path, data := range map[string][]byte{garbage: []byte("garbage\n"), jwtOnly: jwtPart, seedOnly: seedPart} {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name, file, want string
		tries            int
	}{
		{"missing", filepath.Join(dir, "none.creds"), "no such file", 10},
		{"garbage", garbage, "no user seed", 1},
		{"a JWT without its seed", jwtOnly, "no user seed", 1},
		{"a seed without its JWT", seedOnly, "no user JWT", 1},
	}
	for _, c := range cases {
		for range c.tries {
			cfg := config.Default()
			cfg.DataDir = t.TempDir()
			cfg.HTTP.Addr = "127.0.0.1:0"
			cfg.Recognizer.Engine = "none"
			cfg.Cluster.Roles = []string{"api"}
			cfg.NATS.URL, cfg.NATS.CredsFile = cl.URLs[0], c.file
			cfg.Cluster.StartupTimeout = config.Duration(2 * time.Minute)
			svc, err := Start(testutil.Context(t, 30*time.Second), cfg, testutil.Quiet())
			if err == nil {
				svc.Close(context.Background())
				t.Fatalf("%s: started", c.name)
			}
			if !strings.Contains(err.Error(), "nats.creds_file") || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%s: %v, want nats.creds_file and %q", c.name, err, c.want)
			}
		}
	}
}
