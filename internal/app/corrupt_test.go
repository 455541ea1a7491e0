package app

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testdisk"
	"github.com/earshot/earshot/internal/testutil"
)

// atRest is one way a store's files go bad while the service is down.
type atRest struct {
	name string
	// check is the /readyz check that must carry a notice of kind, whose
	// subject contains subject; logged must appear in an error-level line.
	check, kind, subject, logged string
	damage                       func(t *testing.T, dataDir, account string)
	// alertsLost: the damage is to the alert stream's messages; every other
	// damage must leave the alerts stored before it in the log.
	alertsLost bool
}

func corruptions() []atRest {
	day := func(t *testing.T, dataDir string) string {
		t.Helper()
		parts, _ := filepath.Glob(filepath.Join(dataDir, "transcripts", "20??-??-??"))
		if len(parts) != 1 {
			t.Fatalf("partitions %v", parts)
		}
		return parts[0]
	}
	// segments are the partition's segments. Each is damaged: an older
	// one may be a merge's leftover no snapshot refers to, and under load
	// even the newest may be one (a merge finishing as the node stops),
	// where damage is rightly not noticed; one of them is always in use.
	segments := func(t *testing.T, dataDir string) []string {
		t.Helper()
		zs, _ := filepath.Glob(filepath.Join(day(t, dataDir), "store", "*.zap"))
		if len(zs) == 0 {
			t.Fatal("no segment")
		}
		return zs
	}
	block := func(stream string) func(dataDir, account string) string {
		return func(dataDir, account string) string {
			return filepath.Join(dataDir, "nats", "jetstream", account, "streams", stream, "msgs", "1.blk")
		}
	}
	alerts, dispositions := block(alerter.AlertStream), block("KV_"+disposition.Bucket)
	today := time.Now().UTC().Format("2006-01-02")
	return []atRest{
		{"transcript segment: byte flipped", "transcripts", api.NoticeQuarantined, today, "quarantined",
			func(t *testing.T, d, _ string) {
				for _, p := range segments(t, d) {
					testdisk.Rewrite(t, p, testdisk.Flip(func(n int) int { return n / 2 }))
				}
			}, false},
		{"transcript segment: footer byte flipped", "transcripts", api.NoticeQuarantined, today, "quarantined",
			func(t *testing.T, d, _ string) {
				for _, p := range segments(t, d) {
					testdisk.Rewrite(t, p, testdisk.Flip(func(n int) int { return n - 40 }))
				}
			}, false},
		{"transcript segment: truncated", "transcripts", api.NoticeQuarantined, today, "quarantined",
			func(t *testing.T, d, _ string) {
				for _, p := range segments(t, d) {
					testdisk.TruncateHalf(t, p)
				}
			}, false},
		{"transcript root.bolt: garbage", "transcripts", api.NoticeQuarantined, today, "quarantined",
			func(t *testing.T, d, _ string) {
				p := filepath.Join(day(t, d), "store", "root.bolt")
				testdisk.Rewrite(t, p, func(b []byte) []byte { return []byte(strings.Repeat("garbage ", len(b)/8)) })
			}, false},
		{"alert stream: block truncated", "jetstream", api.NoticeLost, alerter.AlertStream, "lost at rest",
			func(t *testing.T, d, acc string) { testdisk.TruncateHalf(t, alerts(d, acc)) }, true},
		{"alert stream: block garbled", "jetstream", api.NoticeLost, alerter.AlertStream, "lost at rest",
			func(t *testing.T, d, acc string) { testdisk.Rewrite(t, alerts(d, acc), testdisk.GarbleHead) }, true},
		{"alert stream: metadata garbled", "jetstream", api.NoticeRecovered, alerter.AlertStream, "did not load",
			func(t *testing.T, d, acc string) {
				testdisk.Rewrite(t, filepath.Join(filepath.Dir(filepath.Dir(alerts(d, acc))), "meta.inf"), testdisk.GarbleHead)
			}, false},
		{"disposition bucket: block truncated", "jetstream", api.NoticeLost, disposition.Bucket, "lost at rest",
			func(t *testing.T, d, acc string) { testdisk.TruncateHalf(t, dispositions(d, acc)) }, false},
		{"rooms.json: garbled", "rooms", api.NoticeQuarantined, "rooms.json", "unreadable",
			func(t *testing.T, d, _ string) {
				testdisk.Rewrite(t, filepath.Join(d, "rooms.json"), func(b []byte) []byte { return b[:len(b)/2] })
			}, false},
	}
}

// TestCorruptionAtRest damages one store's files while the service is down
// (transcript partitions, the alert stream, the disposition bucket, the room
// list): the service starts, says what it set aside or lost (/readyz notice,
// an error-level log line), stays ready, and keeps alerting.
func TestCorruptionAtRest(t *testing.T) {
	for _, tc := range corruptions() {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			f := startOn(t, dir)
			ctx := context.Background()
			var first string
			for n := 0; n < 30; n++ {
				ids, err := f.violation(ctx, "r1", n)
				if err != nil {
					t.Fatal(err)
				}
				first = ids[0]
			}
			if _, err := f.c.Dispose(ctx, first, api.DispositionRequest{Decision: api.Confirmed, Note: "seen", By: "reviewer-1"}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.c.AddRoom(ctx, api.RoomSpec{ID: "w1", Source: "whip"}); err != nil {
				t.Fatal(err)
			}
			account := f.svc.NATSAuth().AccountKey()
			f.stop()
			tc.damage(t, dir, account)

			g := startOn(t, dir)
			testutil.Eventually(t, 10*time.Second, func() error {
				c, ok := g.readiness(t).Check(tc.check)
				if !ok {
					return fmt.Errorf("no check %s", tc.check)
				}
				for _, n := range c.Notices {
					if n.Kind == tc.kind && strings.Contains(n.Subject, tc.subject) && n.Message != "" {
						return nil
					}
				}
				return fmt.Errorf("check %s: no %s notice about %s: %+v", tc.check, tc.kind, tc.subject, c)
			})
			if len(errorLines(g.logs, tc.logged)) == 0 {
				t.Errorf("no error-level log line says %q:\n%s", tc.logged, g.logs)
			}
			ids, err := g.violation(ctx, "r1", 1000)
			if err != nil {
				t.Fatalf("violation after the damage: %v", err)
			}
			seen := g.logged(t, "r1")
			if seen[ids[0]] != 1 {
				t.Errorf("new alert %s is in the log %d times", ids[0], seen[ids[0]])
			}
			if !tc.alertsLost && len(seen) != 31 {
				t.Errorf("%d alerts in the log after the damage, want the 30 from before and the new one", len(seen))
			}
			if r := g.readiness(t); len(r.Failing()) > 0 {
				t.Errorf("unready after the damage: %+v", r.Failing())
			}
		})
	}
}
