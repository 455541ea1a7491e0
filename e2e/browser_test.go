//go:build linux

package e2e

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
)

// The browser tests drive Debian's headless Chromium with playwright-core
// (e2e/browser/*.mjs) against a whole service started here.

// TestBrowserOverlay: the anchor overlay shows its room's reminders and not
// another room's, fades them, reconnects after a server restart, and a wrong
// token shows nothing.
func TestBrowserOverlay(t *testing.T) {
	node := browserPrereqs(t)
	rs := startRestartable(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	tok := mint(t, rs.svc(), api.RoleAnchor, "anchor-room")
	runNode(t, node, "overlay.mjs", map[string]string{
		"EARSHOT_URL": rs.base, "EARSHOT_ROOM": "anchor-room", "EARSHOT_OTHER_ROOM": "other-room",
		"EARSHOT_ROOM_TOKEN": tok, "EARSHOT_CONTROL": rs.control.URL, "EARSHOT_INGEST_TOKEN": mint(t, rs.svc(), api.RoleIngest, ""),
		"EARSHOT_SCHEMA_TOKEN": mint(t, rs.svc(), api.RoleCompliance, ""), // reads the schema's category names
	})
}

// TestBrowserConsole: the console lists a spoken alert live, plays its
// evidence clip, keeps confirm and dismiss across a reload, and finds a
// phrase in the transcripts with it highlighted.
func TestBrowserConsole(t *testing.T) {
	node := browserPrereqs(t)
	wav := synth(t, tts.FliteRMS, "Hello everyone and welcome to the live room.",
		"It is the best cream in the world.", "This is the lowest price ever.")
	svc := startService(t, nil)
	tok, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: "Li Na (browser test)"})
	if err != nil {
		t.Fatal(err)
	}
	runNode(t, node, "console.mjs", map[string]string{
		"EARSHOT_URL": "http://" + svc.HTTPAddr(), "EARSHOT_TOKEN": tok, "EARSHOT_INGEST_TOKEN": mint(t, svc, api.RoleIngest, ""),
		"EARSHOT_ROOM": "spoken-room", "EARSHOT_OTHER_ROOM": "text-room", "EARSHOT_WAV": wav,
	})
}

// browserPrereqs returns node once Chromium and playwright-core (npm
// install in e2e/browser) are here too; see testutil.Need.
func browserPrereqs(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("real-browser test")
	}
	testutil.NeedFile(t, chromium)
	testutil.NeedFile(t, filepath.Join("browser", "node_modules", "playwright-core"))
	return testutil.NeedTool(t, "node")
}

// artifactsDir keeps screenshots after the test: $ARTIFACTS_DIR or a
// directory under the system temp dir, logged either way.
func artifactsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("ARTIFACTS_DIR")
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "earshot-browser-"); err != nil {
			t.Fatal(err)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// runNode runs one browser script and fails the test with its output.
func runNode(t *testing.T, node, script string, env map[string]string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, script)
	cmd.Dir = "browser"
	cmd.Env = append(os.Environ(), "ARTIFACTS_DIR="+artifactsDir(t), "CHROMIUM="+chromium)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	start := time.Now()
	out, err := cmd.CombinedOutput()
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		t.Log(line)
	}
	if err != nil {
		t.Fatalf("node %s failed after %v: %v", script, time.Since(start).Round(time.Millisecond), err)
	}
	t.Logf("node %s passed in %v", script, time.Since(start).Round(time.Millisecond))
}

// restartable is a service a browser script can restart on the same
// address and data dir through POST {control}/restart.
type restartable struct {
	mu      sync.Mutex
	cur     *app.Service
	cfg     config.Config
	base    string
	control *httptest.Server
}

func startRestartable(t *testing.T, mutate func(*config.Config)) *restartable {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr = "127.0.0.1:" + testutil.FreePort(t, "tcp")
	cfg.NATS.Listen = "127.0.0.1:0"
	mutate(&cfg)
	rs := &restartable{cfg: cfg, base: "http://" + cfg.HTTP.Addr}
	rs.cur = rs.start(t)
	rs.control = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/restart" {
			http.Error(w, "POST /restart", http.StatusNotFound)
			return
		}
		rs.mu.Lock()
		defer rs.mu.Unlock()
		stop(rs.cur)
		rs.cur = rs.start(t)
		_, _ = io.WriteString(w, "{}")
	}))
	t.Cleanup(func() {
		rs.control.Close()
		rs.mu.Lock()
		defer rs.mu.Unlock()
		stop(rs.cur)
	})
	return rs
}

func (rs *restartable) svc() *app.Service {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	return rs.cur
}

func (rs *restartable) start(t *testing.T) *app.Service {
	log := testutil.Quiet()
	svc, err := app.Start(context.Background(), rs.cfg, log)
	if err != nil {
		t.Errorf("starting service: %v", err)
		return nil
	}
	return svc
}

func stop(svc *app.Service) {
	if svc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	svc.Close(ctx)
}
