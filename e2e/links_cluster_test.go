package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
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

// TestReturningViolatorCluster: with two scan nodes sharing the
// utterance stream's partitions, a banned anchor's id said in one room
// is linked from rooms any scanner consumes; a scan node with another
// links.key refuses to start, naming the file to copy.
func TestReturningViolatorCluster(t *testing.T) {
	hubDir := t.TempDir()
	hub := startService(t, func(c *config.Config) {
		c.DataDir = hubDir
		c.Recognizer.Engine = "none"
		c.Cluster.Roles = []string{"api", "ingest", "index"}
	})
	url, keys := hub.NATSURL(), hub.NATSAuth()
	scanNode := func(name string, copyLinksKey bool) (*app.Service, error) {
		dir := t.TempDir()
		if err := os.Mkdir(filepath.Join(dir, "keys"), 0o700); err != nil {
			t.Fatal(err)
		}
		files := []string{app.LexiconKeyFile}
		if copyLinksKey {
			files = append(files, links.KeyFile)
		}
		for _, f := range files {
			data, err := os.ReadFile(filepath.Join(hubDir, "keys", f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "keys", f), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		cfg := config.Default()
		cfg.DataDir, cfg.HTTP.Addr, cfg.NATS.Listen = dir, "127.0.0.1:0", "127.0.0.1:0"
		cfg.Recognizer.Engine = "none"
		cfg.Cluster.Roles = []string{"scan"}
		cfg.NATS.URL = url
		cfg.NATS.CredsFile = natstest.CredsFile(t, keys, natsauth.User{Role: natsauth.RoleService, Name: name})
		svc, err := app.Start(context.Background(), cfg, testutil.Quiet())
		if svc != nil {
			t.Cleanup(func() {
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				defer cancel()
				svc.Close(ctx)
			})
		}
		return svc, err
	}
	for i := range 2 {
		if _, err := scanNode(fmt.Sprint("scan-", i), true); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := scanNode("scan-stray", false); err == nil || !strings.Contains(err.Error(), links.KeyFile) {
		t.Fatalf("a scan node with its own links key started: %v", err)
	}

	ctx := testutil.Context(t, 60*time.Second)
	ingest := anonClient(t, hub, api.WithToken(mint(t, hub, api.RoleIngest, "")))
	staff := anonClient(t, hub, api.WithToken(mint(t, hub, api.RoleCompliance, "")))
	if _, err := ingest.PostUtterances(ctx, api.Room{ID: "old", Anchor: "old-anchor"}, api.Utterance{Text: "加我微信 abc123"}); err != nil {
		t.Fatal(err)
	}
	if _, err := staff.AddBan(ctx, api.BanRequest{Anchor: "old-anchor", Reason: "evasion case 7"}); err != nil {
		t.Fatal(err)
	}
	const rooms = 8 // spread over the partitions, so both scanners link
	for i := range rooms {
		room := api.Room{ID: fmt.Sprint("new-", i), Anchor: fmt.Sprint("new-anchor-", i)}
		if _, err := ingest.PostUtterances(ctx, room, api.Utterance{Text: "V信 a b c 1 2 3"}); err != nil {
			t.Fatal(err)
		}
	}
	testutil.Eventually(t, 20*time.Second, func() error {
		as, err := staff.Alerts(ctx, api.AlertQuery{Category: "returning-violator"})
		if err != nil {
			return err
		}
		got := map[string]bool{}
		for _, a := range as {
			if len(a.Links) == 1 && a.Links[0].AccountID == "old-anchor" && a.Links[0].Earlier.Room == "old" {
				got[a.Room] = true
			}
		}
		if len(got) != rooms {
			return fmt.Errorf("returning-violator alerts in %d of %d rooms: %v", len(got), rooms, got)
		}
		return nil
	})
}
