package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestTrustOverIndexNodes: with two index nodes, one writes the ledger
// (the claim trust-ledger) and the api node reads it; when the writer
// stops the other takes over, and every hour of speech and every alert is
// counted exactly once across the handover.
func TestTrustOverIndexNodes(t *testing.T) {
	hubDir := t.TempDir()
	hub := startService(t, func(c *config.Config) {
		c.DataDir = hubDir
		c.Recognizer.Engine = "none"
		c.Cluster.Roles = []string{"api", "ingest", "scan"}
	})
	url, keys := hub.NATSURL(), hub.NATSAuth()
	var index []*app.Service
	for i := range 2 {
		dir := joinDir(t, hubDir, app.LexiconKeyFile)
		creds := natstest.CredsFile(t, keys, natsauth.User{Role: natsauth.RoleService, Name: fmt.Sprint("index-", i)})
		index = append(index, startService(t, func(c *config.Config) {
			c.DataDir = dir
			c.Recognizer.Engine = "none"
			c.Cluster.Roles = []string{"index"}
			c.NATS.URL, c.NATS.CredsFile = url, creds
		}))
	}
	base := "http://" + hub.HTTPAddr()
	staff := mint(t, hub, api.RoleCompliance, "")
	counted := func(hours, alerts float64) func() error {
		return func() error {
			var rep api.TrustReport
			if code := testutil.DoJSON(t, "GET", base+"/v1/trust/anchors/amy", staff, "", &rep); code != http.StatusOK {
				return fmt.Errorf("GET amy: %d", code)
			}
			got := map[string]float64{}
			for _, in := range rep.Indicators {
				got[in.Name] = in.Value
			}
			if got["airtime_hours"] != hours || got["alerts"] != alerts || got["confirmed"] != alerts {
				return fmt.Errorf("amy: airtime %v alerts %v confirmed %v, want %v, %v, %v",
					got["airtime_hours"], got["alerts"], got["confirmed"], hours, alerts, alerts)
			}
			return nil
		}
	}
	trustTraffic(t, hub, "room-a", "amy", "shop")
	testutil.Eventually(t, 20*time.Second, counted(1, 1))

	// The writer stops; the standby takes the claim and carries on from
	// the checkpoints.
	var writer, standby *app.Service
	testutil.WaitFor(t, 10*time.Second, "one writer", func() bool {
		writer, standby = index[0], index[1]
		if standby.TrustWriter() {
			writer, standby = standby, writer
		}
		return writer.TrustWriter() && !standby.TrustWriter()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	writer.Close(ctx)
	cancel()
	testutil.WaitFor(t, 15*time.Second, "the standby to take over", standby.TrustWriter)
	trustTraffic(t, hub, "room-b", "amy", "shop")
	testutil.Eventually(t, 30*time.Second, counted(2, 2))
}
