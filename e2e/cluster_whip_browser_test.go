package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
)

// TestClusterBrowserWHIP: an anchor's page on another origin publishes
// from a real browser (headless Chromium) to the api node of a cluster,
// which ingests no audio: the api node forwards the offer, with the
// page's token, to the ingest worker that takes the room, and the page's
// session URL is on that worker. A 307 would have sent the browser there
// without its Authorization header (browsers drop it on a redirect to
// another origin), and the worker would have refused it.
func TestClusterBrowserWHIP(t *testing.T) {
	if testing.Short() {
		t.Skip("real-browser test")
	}
	testutil.NeedFile(t, chromium)
	page := publisherPage(t)
	origin := func(c *config.Config) { c.HTTP.AllowOrigin = []string{page.URL} }
	h := startIngestHub(t, origin)
	a := h.worker(t, "bwhip-a", "", origin)
	const room = "browser-cluster-1"
	wav := synth(t, tts.FliteRMS, "Hello everyone and welcome to the live room.")
	q := url.Values{"whip": {"http://" + h.HTTPAddr() + "/whip/" + room}, "token": {mint(t, h.Service, api.RoleAnchor, room)}}
	startBrowser(t, wav, page.URL+"/publish.html?"+q.Encode())

	var answered, connected bool
	deadline := time.After(60 * time.Second)
	for !answered || !connected {
		select {
		case s := <-page.status:
			t.Logf("page: %s", s)
			switch {
			case strings.HasPrefix(s, "error:"):
				t.Fatalf("publish page failed: %s", s)
			case strings.HasPrefix(s, "answered:"):
				loc := strings.TrimPrefix(s, "answered:")
				if !strings.HasPrefix(loc, "http://"+a.addr+"/whip/"+room+"/") {
					t.Fatalf("session URL %q, want one on the worker %s", loc, a.addr)
				}
				answered = true
			case s == "pc:connected":
				connected = true
			}
		case <-deadline:
			t.Fatalf("the browser's session did not connect within 60 s (answered %v, connected %v)", answered, connected)
		}
	}
	testutil.WaitFor(t, 20*time.Second, "the room live on the worker", func() bool {
		st, err := a.api.Room(context.Background(), room)
		return err == nil && st.State == "live"
	})
}
