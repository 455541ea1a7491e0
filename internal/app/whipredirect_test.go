package app

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/cluster/placement"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/natscluster"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestWHIPRedirectsToTheOwner: two nodes on one NATS (a real nats-server
// process); room r9 is owned by node B (its claim in the placement bucket,
// with B's address). A WHIP publisher that reaches node A is answered 307
// with Location on B's WHIP endpoint; on B, and for a room nobody owns,
// the offer is served where it arrived (a bad offer: 400, not 307).
func TestWHIPRedirectsToTheOwner(t *testing.T) {
	cl := natscluster.Start(t, 1, natstest.Authority(t))
	seed := lexiconSeed(t)
	start := func(name string) *Service {
		cfg := externalConfig(t, cl, seed, name)
		cfg.Cluster.Roles = []string{"ingest", "api"}
		svc, err := Start(context.Background(), cfg, testutil.Quiet())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			svc.Close(ctx)
		})
		return svc
	}
	a, b := start("a"), start("b")
	// B owns r9, as when it pulls the room: its claim carries its address.
	js, _ := jetstream.New(b.nc)
	ctx := testutil.Context(t, 30*time.Second)
	claim, err := lease.Open(ctx, js, lease.Options{Bucket: placement.Bucket, Holder: b.roles.holder, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer claim.Close(context.Background())
	claim.SetInfo(placement.Load{Addr: b.HTTPAddr()})
	if ok, err := claim.TryTake(ctx, "room.r9"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	offer := func(svc *Service, room string) *http.Response {
		t.Helper()
		tok, err := svc.Mint(auth.Request{Role: api.RoleIngest})
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest(http.MethodPost, "http://"+svc.HTTPAddr()+"/whip/"+room+"?x=1", strings.NewReader("v=0\r\n"))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/sdp")
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	resp := offer(a, "r9")
	if want := "http://" + b.HTTPAddr() + "/whip/r9?x=1"; resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != want {
		t.Fatalf("POST /whip/r9 on A: %d Location %q, want 307 to %s", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if resp := offer(b, "r9"); resp.StatusCode == http.StatusTemporaryRedirect {
		t.Fatal("the owner redirected its own room")
	}
	if resp := offer(a, "r8"); resp.StatusCode == http.StatusTemporaryRedirect {
		t.Fatal("a room nobody owns was redirected")
	}
	// The offer took r8's claim for its session; refused, it gave it up.
	if holder, _, err := a.roles.place.Owner(ctx, "r8"); holder != "" || err != nil {
		t.Fatalf("r8 still claimed by %q (%v) after its only offer was refused", holder, err)
	}
}
