package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testdisk"
	"github.com/earshot/earshot/internal/testutil"
)

// faultService is a whole `earshot serve` on a data dir the test chooses,
// with a client holding an admin token and the service's logs.
type faultService struct {
	svc  *Service
	c    *api.Client
	logs *syncBuffer
}

// startOn starts a text-only service on dataDir; close it with stop (or
// leave it to the test's cleanup).
func startOn(t *testing.T, dataDir string) *faultService {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = dataDir
	cfg.HTTP.Addr, cfg.NATS.Listen = "127.0.0.1:0", "127.0.0.1:0"
	cfg.Recognizer.Engine = "none"
	logs := &syncBuffer{}
	svc, err := Start(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatalf("starting service on %s: %v\n%s", dataDir, err, logs)
	}
	fs := &faultService{svc: svc, logs: logs}
	t.Cleanup(fs.stop)
	// The admin's subject is the reviewer the corruption tests record.
	tok, err := svc.Mint(auth.Request{Role: api.RoleAdmin, Subject: "reviewer-1"})
	if err != nil {
		t.Fatal(err)
	}
	if fs.c, err = api.New("http://"+svc.HTTPAddr(), api.WithToken(tok), api.WithTimeout(20*time.Second)); err != nil {
		t.Fatal(err)
	}
	return fs
}

func (f *faultService) stop() {
	if f.svc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f.svc.Close(ctx)
	f.svc = nil
}

// violation posts one utterance that breaks a rule and returns the ids of
// the alerts acknowledged (nil with the error when refused).
func (f *faultService) violation(ctx context.Context, room string, n int) ([]string, error) {
	res, err := f.c.PostUtterances(ctx, api.Room{ID: room},
		api.Utterance{Text: fmt.Sprintf("this cream cures diabetes, take %d jars", n)})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, a := range res.Alerts {
		ids = append(ids, a.ID)
	}
	if len(ids) == 0 {
		return nil, errors.New("a violation raised no alert")
	}
	return ids, nil
}

// logged reports every alert id in the alert log, with how often.
func (f *faultService) logged(t *testing.T, room string) map[string]int {
	t.Helper()
	as, err := f.c.Alerts(context.Background(), api.AlertQuery{Room: room, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, a := range as {
		out[a.ID]++
	}
	return out
}

func (f *faultService) readiness(t *testing.T) api.Readiness {
	t.Helper()
	r, err := f.c.Ready(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// errorLines are the error-level log lines of s containing every word.
func errorLines(s *syncBuffer, words ...string) []string {
	var out []string
	for _, l := range strings.Split(s.String(), "\n") {
		if !strings.Contains(l, "level=ERROR") {
			continue
		}
		all := true
		for _, w := range words {
			all = all && strings.Contains(l, w)
		}
		if all {
			out = append(out, l)
		}
	}
	return out
}

// tmpfsSize is the file system the disk tests run on: room for the
// streams' reservations (the revocation bucket alone reserves 64 MiB).
const tmpfsSize = 128 << 20

// TestDiskFullRefusesThenResumes runs the service on a 128 MiB tmpfs and
// fills it while violations are posted: nothing panics, violations are
// answered 503 alerts_refused naming the full disk while it lasts, /readyz
// says which parts cannot write, and once the filler is gone alerting
// resumes within seconds without a restart. Every alert acknowledged
// before, during or after is in the alert log exactly once.
func TestDiskFullRefusesThenResumes(t *testing.T) {
	dir := testdisk.Tmpfs(t, tmpfsSize)
	f := startOn(t, dir)
	ctx := context.Background()
	acked := map[string]bool{}
	post := func(n int) error {
		ids, err := f.violation(ctx, "r1", n)
		for _, id := range ids {
			acked[id] = true
		}
		return err
	}
	for n := 0; n < 20; n++ {
		if err := post(n); err != nil {
			t.Fatal(err)
		}
	}
	fill := testdisk.Fill(t, dir, 0)
	var refusal *api.Error
	for n := 100; n < 140 && refusal == nil; n++ {
		t0 := time.Now()
		err := post(n)
		if err != nil {
			t.Logf("first refusal after %s", time.Since(t0))
		}
		if err == nil {
			continue // JetStream's last block may have had room for a few more
		}
		if !errors.As(err, &refusal) || refusal.Status != 503 || refusal.Code != api.CodeAlertsRefused {
			t.Fatalf("violation on a full disk: %v, want 503 %s", err, api.CodeAlertsRefused)
		}
	}
	if refusal == nil {
		t.Fatal("no violation refused on a full disk")
	}
	if !strings.Contains(refusal.Message, "no space left on device") {
		t.Errorf("refusal does not name the full disk: %s", refusal.Message)
	}
	t0 := time.Now()
	if err := post(200); !errors.Is(err, err) || err == nil {
		t.Errorf("second violation on a full disk: %v", err)
	} else if d := time.Since(t0); d > time.Second {
		t.Errorf("a refusal while the disk is known full took %s", d)
	}
	r := f.readiness(t)
	failing := map[string]string{}
	for _, c := range r.Failing() {
		failing[c.Name] = c.Error
	}
	// Which stream fills first depends on who writes first (the utterance
	// stream, the alert stream): the jetstream check names either.
	if r.Status != api.StatusUnready || !strings.Contains(failing["jetstream"]+failing["alert_stream"], "no space left on device") ||
		failing["transcripts"] == "" {
		t.Errorf("readiness on a full disk: %+v", r)
	}

	fill.Free(t)
	t0 = time.Now()
	n := 300
	testutil.Eventually(t, 15*time.Second, func() error {
		n++
		return post(n)
	})
	resumed := time.Since(t0)
	t.Logf("alerting resumed %s after the space returned", resumed)
	for n := 400; n < 420; n++ {
		if err := post(n); err != nil {
			t.Fatalf("after recovery: %v", err)
		}
	}
	testutil.Eventually(t, 15*time.Second, func() error {
		if r := f.readiness(t); len(r.Failing()) > 0 {
			return fmt.Errorf("still unready: %+v", r.Failing())
		}
		return nil
	})
	t.Logf("ready %s after the space returned", time.Since(t0))
	// JetStream was restarted under the lexicon watch: a new version must
	// still reach this worker (the publish answers once it runs here).
	if sum, err := f.c.Rollback(ctx, api.RollbackRequest{Version: 1, Message: "after the disk was full"}); err != nil {
		t.Errorf("publishing a lexicon version after recovery: %v", err)
	} else if sum.Number < 2 {
		t.Errorf("rollback published version %d", sum.Number)
	}
	seen := f.logged(t, "r1")
	for id := range acked {
		if seen[id] != 1 {
			t.Errorf("acknowledged alert %s is in the log %d times", id, seen[id])
		}
	}
	if c, _ := f.readiness(t).Check("jetstream"); len(c.Notices) != 0 {
		t.Errorf("JetStream reports losses after the disk was full: %+v", c.Notices)
	}
	if len(acked) < 40 {
		t.Errorf("only %d alerts acknowledged", len(acked))
	}
	if len(errorLines(f.logs, "no space left on device")) == 0 {
		t.Error("no error-level log line names the full disk")
	}
}

// TestRestartOnNearlyFullDisk: the service restarts on a disk with 2 MiB
// left (nats-server's own storage limit, 75% of what is free, would leave
// no stream openable), alerts, says the transcript store is short of room,
// and is ready once space is freed.
func TestRestartOnNearlyFullDisk(t *testing.T) {
	dir := testdisk.Tmpfs(t, tmpfsSize)
	f := startOn(t, dir)
	ctx := context.Background()
	if _, err := f.violation(ctx, "r1", 1); err != nil {
		t.Fatal(err)
	}
	f.stop()
	fill := testdisk.Fill(t, dir, 2<<20)
	g := startOn(t, dir)
	ids, err := g.violation(ctx, "r1", 2)
	if err != nil {
		t.Fatalf("violation after a restart with 2 MiB free: %v", err)
	}
	c, _ := g.readiness(t).Check("transcripts")
	if c.OK || !strings.Contains(c.Error, "no space left") {
		t.Errorf("transcripts check with 2 MiB free: %+v", c)
	}
	fill.Free(t)
	testutil.Eventually(t, 15*time.Second, func() error {
		if r := g.readiness(t); len(r.Failing()) > 0 {
			return fmt.Errorf("still unready: %+v", r.Failing())
		}
		return nil
	})
	if seen := g.logged(t, "r1"); len(seen) != 2 || seen[ids[0]] != 1 {
		t.Errorf("alert log after the restart: %v", seen)
	}
}

// TestDeletedAlertStreamRecreated: someone deletes EARSHOT_ALERTS while the
// service runs. /readyz says so (503, alert_stream), the stream is created
// again with its configuration, /readyz returns to 200, and the next
// violation is stored and acknowledged.
func TestDeletedAlertStreamRecreated(t *testing.T) {
	f := startOn(t, t.TempDir())
	ctx := context.Background()
	if _, err := f.violation(ctx, "r1", 1); err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(f.svc.nc)
	if err != nil {
		t.Fatal(err)
	}
	if err := js.DeleteStream(ctx, alerter.AlertStream); err != nil {
		t.Fatal(err)
	}
	r := f.readiness(t)
	if c, _ := r.Check("alert_stream"); r.Status != api.StatusUnready || c.OK || !strings.Contains(c.Error, "missing") {
		t.Fatalf("readiness with the alert stream deleted: %+v", r)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		if r := f.readiness(t); len(r.Failing()) > 0 {
			return fmt.Errorf("still unready: %+v", r.Failing())
		}
		return nil
	})
	ids, err := f.violation(ctx, "r1", 2)
	if err != nil {
		t.Fatalf("violation after the stream was recreated: %v", err)
	}
	if seen := f.logged(t, "r1"); seen[ids[0]] != 1 {
		t.Errorf("alert %s after recreation: in the log %d times", ids[0], seen[ids[0]])
	}
	info, err := js.Stream(ctx, alerter.AlertStream)
	if err != nil {
		t.Fatal(err)
	}
	if cfg := info.CachedInfo().Config; cfg.Storage != jetstream.FileStorage || cfg.Duplicates == 0 || len(cfg.Subjects) != 1 {
		t.Errorf("recreated with another configuration: %+v", cfg)
	}
	tok, err := f.svc.Mint(auth.Request{Role: api.RoleMetrics})
	if err != nil {
		t.Fatal(err)
	}
	if got := metricSum(t, tok, "http://"+f.svc.HTTPAddr(), "earshot_alert_stream_recreated_total"); got != 1 {
		t.Errorf("earshot_alert_stream_recreated_total = %v, want 1", got)
	}
	if len(errorLines(f.logs, "alert stream was gone")) == 0 {
		t.Error("the recreation was not logged at error level")
	}
}
