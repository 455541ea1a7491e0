package e2e

import (
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testutil"
)

// TestIngestWorkerServesWHIP: an ingest worker without the api role
// (`--roles ingest,scan`, as docs/scaling.md and make demo-cluster run
// them), with only its roles' NATS user, serves its WHIP sessions, health,
// readiness and metrics, and nothing of the api's: the api node's 307
// sends a pion publisher there and the session connects; a token revoked
// on the api node is refused on the worker. An index node serves its
// health and metrics the same way (no WHIP). Found by hand: such a worker
// listened on nothing, while its presence carried its http.addr, so the api
// node redirected every WHIP publisher to a closed port.
func TestIngestWorkerServesWHIP(t *testing.T) {
	srv := natstest.Start(t, "")
	url, keys := srv.ClientURL(), srv.Auth()
	var denied violationLog
	start := roleStarter(t, &denied)
	apiDir := t.TempDir()
	apiNode := start(roleNode(url, roleCreds(t, keys, "api"), apiDir, "api"))
	workerDir := t.TempDir()
	copyDir(t, filepath.Join(apiDir, "keys"), filepath.Join(workerDir, "keys")) // the HTTP token keys too
	worker := start(roleNode(url, roleCreds(t, keys, "ingest", "scan"), workerDir, "ingest", "scan"))
	indexDir := t.TempDir()
	copyDir(t, filepath.Join(apiDir, "keys"), filepath.Join(indexDir, "keys"))
	index := start(roleNode(url, roleCreds(t, keys, "index"), indexDir, "index"))
	defer denied.check(t)

	base := "http://" + worker.HTTPAddr()
	admin := mint(t, apiNode, api.RoleAdmin, "")
	for _, node := range []*app.Service{worker, index} { // an index node serves its health and metrics too
		if node.HTTPAddr() == "" {
			t.Fatal("a node without the api role serves no HTTP")
		}
		for _, c := range []struct {
			path, token string
			want        int
		}{
			{"/healthz", "", http.StatusOK},
			{"/readyz", "", http.StatusOK},
			{"/metrics", admin, http.StatusOK},
			{"/metrics", "", http.StatusUnauthorized},
			{"/v1/rooms", admin, http.StatusNotFound}, // the api nodes'
			{"/v1/alerts", admin, http.StatusNotFound},
		} {
			testutil.Eventually(t, 20*time.Second, func() error {
				if code, body := testutil.Do(t, http.MethodGet, "http://"+node.HTTPAddr()+c.path, c.token, ""); code != c.want {
					return &statusErr{c.path, code, c.want, string(body)}
				}
				return nil
			})
		}
	}
	if code, _ := testutil.Do(t, http.MethodPost, "http://"+index.HTTPAddr()+"/whip/w1", admin, "v=0\r\n"); code != http.StatusNotFound {
		t.Fatalf("the index node answers WHIP: %d", code)
	}

	ingest, err := apiNode.Mint(auth.Request{Role: api.RoleIngest, Subject: "platform-1"})
	if err != nil {
		t.Fatal(err)
	}
	pkts := testaudio.OggPackets(t, "../ingest/whip/testdata/tone440.ogg")
	pub := newWHIPPublisher(t)
	testutil.Eventually(t, 20*time.Second, func() error { // 503 until the api node sees the worker's presence
		if code, body := pub.try(t, "http://"+apiNode.HTTPAddr()+"/whip/w1", ingest, pkts); code != http.StatusCreated {
			return &statusErr{"POST /whip/w1 on the api node", code, http.StatusCreated, body}
		}
		return nil
	})
	if len(pub.statuses) != 2 || pub.statuses[0] != http.StatusTemporaryRedirect || !strings.HasPrefix(pub.session, base+"/whip/w1/") {
		t.Fatalf("WHIP through the api node: statuses %v via %v, session %s; want 307 then 201 on %s", pub.statuses, pub.hops, pub.session, base)
	}
	testutil.WaitFor(t, 20*time.Second, "the session connected on the worker", func() bool {
		return pub.pc.ConnectionState().String() == "connected"
	})

	if _, err := apiClient(t, apiNode).Revoke(context.Background(), api.RevokeRequest{Subject: "platform-1"}); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 20*time.Second, func() error {
		code, body := testutil.Do(t, http.MethodPost, base+"/whip/w2", ingest, "v=0\r\n")
		if code != http.StatusUnauthorized || !strings.Contains(string(body), "revoked") {
			return &statusErr{"/whip/w2 with a revoked token", code, http.StatusUnauthorized, string(body)}
		}
		return nil
	})
}

type statusErr struct {
	what      string
	got, want int
	body      string
}

func (e *statusErr) Error() string {
	return e.what + ": " + http.StatusText(e.got) + ", want " + http.StatusText(e.want) + ": " + e.body
}
