package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/links"
)

// TestRoomRegistrationsAreShared: a pulled room registered on one node is
// known to every node (exactly one pulls it, the other shows it
// elsewhere), a room registered on an api-only node reaches the workers,
// and a removal on any node removes it everywhere.
func TestRoomRegistrationsAreShared(t *testing.T) {
	hubDir := t.TempDir()
	hub := startService(t, func(c *config.Config) {
		c.DataDir = hubDir
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
		allowLoopback(c)
	})
	url, keys := hub.NATSURL(), hub.NATSAuth()
	node := func(name string, roles ...string) *app.Service {
		// scan and api nodes hash contact identifiers with the cluster's key
		dir := joinDir(t, hubDir, app.LexiconKeyFile, links.KeyFile)
		creds := natstest.CredsFile(t, keys, natsauth.User{Role: natsauth.RoleService, Name: name})
		return startService(t, func(c *config.Config) {
			c.DataDir = dir
			c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
			c.Cluster.Roles = roles
			c.NATS.URL, c.NATS.CredsFile = url, creds
			allowLoopback(c)
		})
	}
	worker := node("worker", "ingest", "scan", "api")
	front := node("front", "api")
	hc, wc, fc := apiClient(t, hub), apiClient(t, worker), apiClient(t, front)
	ctx := context.Background()
	// Nothing listens there: the owner keeps retrying, which is enough to
	// see who owns the room.
	src := "rtmp://127.0.0.1:" + testutil.FreePort(t, "tcp") + "/live/x"
	if _, err := hc.AddRoom(ctx, api.RoomSpec{ID: "shared-1", Anchor: "a1", Source: src}); err != nil {
		t.Fatal(err)
	}
	if _, err := fc.AddRoom(ctx, api.RoomSpec{ID: "shared-2", Anchor: "a2", Source: src}); err != nil {
		t.Fatalf("registering on an api-only node: %v", err)
	}
	state := func(c *api.Client, id string) string {
		st, err := c.Room(ctx, id)
		if err != nil {
			return "absent"
		}
		return string(st.State)
	}
	for _, id := range []string{"shared-1", "shared-2"} {
		testutil.WaitFor(t, 15*time.Second, id+" pulled by exactly one worker, elsewhere on the others", func() bool {
			h, w, f := state(hc, id), state(wc, id), state(fc, id)
			return (h == "elsewhere") != (w == "elsewhere") && h != "absent" && w != "absent" && f == "elsewhere"
		})
	}
	if _, _, err := wc.RemoveRoom(ctx, "shared-1"); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 15*time.Second, "shared-1 removed everywhere", func() bool {
		return state(hc, "shared-1") == "absent" && state(fc, "shared-1") == "absent"
	})
	if state(hc, "shared-2") == "absent" {
		t.Fatal("removing shared-1 removed shared-2")
	}
}
