//go:build linux

package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
)

const chromium = "/usr/bin/chromium"

// TestBrowserAnchorGetsReminders: an anchor publishes from a real browser
// (headless Chromium, a synthesized WAV as its microphone) over WHIP, from a
// page on another origin; their room's NATS subject receives reminders for
// what they said, and another room's subject receives nothing.
func TestBrowserAnchorGetsReminders(t *testing.T) {
	if testing.Short() {
		t.Skip("real-browser test")
	}
	testutil.NeedFile(t, chromium)
	// The publishing page is on another origin: http.allow_origin lets
	// exactly that origin through CORS and cross-origin protection.
	page := publisherPage(t)
	svc := startService(t, func(c *config.Config) { c.HTTP.AllowOrigin = []string{page.URL} })
	const room = "browser-anchor"
	got := reminders(t, svc, room)
	other := reminders(t, svc, "someone-else")
	wav := synth(t, tts.FliteRMS,
		"Hello everyone and welcome to the live room.",
		"It is the best cream in the world.",
		"This is the lowest price ever.",
		"It has no side effects at all.")

	token := mint(t, svc, api.RoleAnchor, room)
	q := url.Values{"whip": {"http://" + svc.HTTPAddr() + "/whip/" + room}, "token": {token}}
	startBrowser(t, wav, page.URL+"/publish.html?"+q.Encode())

	want := map[string]bool{"absolute-claim": true, "price-fraud": true, "medical-claim": true}
	deadline := time.After(90 * time.Second)
	for len(want) > 0 {
		select {
		case r := <-got:
			t.Logf("reminder: %s %s %q", r.Category, r.RuleID, r.Text)
			for _, c := range r.Categories() {
				delete(want, c)
			}
		case s := <-page.status:
			t.Logf("page: %s", s)
			if strings.HasPrefix(s, "error:") {
				t.Fatalf("publish page failed: %s", s)
			}
		case <-deadline:
			t.Fatalf("no reminder for %v within 90 s of browser audio", keys(want))
		}
	}
	select {
	case r := <-other:
		t.Errorf("another room received %v", r)
	default:
	}
	// The browser's RTP counts show in the room's status and, without a
	// room label, in /metrics.
	c := apiClient(t, svc)
	st, err := c.Room(context.Background(), room)
	if err != nil || st.SourceStats == nil || st.SourceStats.Packets == 0 || st.SourceStats.Bytes == 0 {
		t.Fatalf("room status source_stats %+v (%v): want the browser's packets", st.SourceStats, err)
	}
	if got := oneSeries(t, scrapeMetrics(t, c), "earshot_source_packets_received_total"); got < float64(st.SourceStats.Packets) {
		t.Errorf("earshot_source_packets_received_total %v, want at least the room's %d", got, st.SourceStats.Packets)
	}
}

type pageServer struct {
	*httptest.Server
	status chan string
}

func publisherPage(t *testing.T) *pageServer {
	t.Helper()
	ps := &pageServer{status: make(chan string, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("/publish.html", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, "../ingest/whip/testdata/publish.html") // the one WHIP test page
	})
	mux.HandleFunc("/status", func(w http.ResponseWriter, r *http.Request) {
		select {
		case ps.status <- r.URL.Query().Get("s"):
		default:
		}
	})
	ps.Server = httptest.NewServer(mux)
	t.Cleanup(ps.Close)
	return ps
}

func startBrowser(t *testing.T, wav, pageURL string) {
	t.Helper()
	cmd := exec.Command(chromium, "--headless=new", "--no-sandbox",
		"--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
		"--use-file-for-fake-audio-capture="+wav, "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-gpu",
		"--user-data-dir="+t.TempDir(), pageURL)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		_ = cmd.Wait()
	})
}
