package utt

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natscluster"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/spool"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// outage is how long TestNATSUnreachable keeps the server down: 3 s by
// default (the code path is the same as for the 30 s: the
// connection is down, every post goes to the spool);
// EARSHOT_SPOOL_OUTAGE=30s runs the figure.
func outage(t *testing.T) time.Duration {
	if v := os.Getenv("EARSHOT_SPOOL_OUTAGE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("EARSHOT_SPOOL_OUTAGE: %v", err)
		}
		return d
	}
	return 3 * time.Second
}

// TestNATSUnreachable: a worker (bus, scan role, alert sink with their
// spools) on a real nats-server process; the server is stopped while
// utterances keep being posted over 4 rooms, then started again. Posts
// during the outage are answered "queued" at once; after the server is
// back every violation has its alert stored exactly once (by room and
// utterance, against what was posted) and none is lost.
func TestNATSUnreachable(t *testing.T) {
	cl := natscluster.Start(t, 1, natstest.Authority(t))
	nc, err := cl.Connect(nats.ReconnectWait(100 * time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := testutil.Context(t, 120*time.Second)
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: 4}); err != nil {
		t.Fatal(err)
	}
	openSpool := func() *spool.Spool {
		sp, err := spool.Open(spool.Options{Dir: t.TempDir(), Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = sp.Close() })
		return sp
	}
	alertSpool, uttSpool := openSpool(), openSpool()
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: testutil.Quiet(), Spool: alertSpool, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer sink.Close()
	sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: testMatcher, Sink: sink, Logger: testutil.Quiet()})
	scan, err := NewScan(nc, ScanOptions{Scanner: sc, Partitions: 4, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer scan.Close()
	if err := scan.OwnAll(ctx); err != nil {
		t.Fatal(err)
	}
	bus, err := NewBus(nc, BusOptions{Logger: testutil.Quiet(), ScanTimeout: 3 * time.Second, Spool: uttSpool})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()

	const rooms = 4
	feeds := make([]pipeline.Feed, rooms)
	for r := range feeds {
		feeds[r], _ = bus.Open(pipeline.Room{ID: fmt.Sprintf("room%d", r)}, "s1", pipeline.FeedOptions{})
	}
	posted, queued := 0, 0
	u := 0
	post := func() {
		u++
		for _, f := range feeds {
			_, err := f.Scan(ctx, []transcript.Hypothesis{{Utterance: uint64(u), Final: true, Text: "it will cure you"}})
			posted++
			switch {
			case errors.Is(err, pipeline.ErrQueued):
				queued++
			case err != nil && !strings.Contains(err.Error(), "no scanner answered"):
				t.Fatalf("utterance %d: %v", u, err) // neither stored, queued nor spooled
			}
		}
	}
	for range 10 {
		post()
	}
	cl.Kill(0)
	down := time.Now()
	testutil.WaitFor(t, 5*time.Second, "the connection to notice", func() bool { return !nc.IsConnected() })
	pace := time.NewTicker(10 * time.Millisecond) // 400 utterances/s over the rooms
	defer pace.Stop()
	for time.Since(down) < outage(t) { // keep posting while NATS is down
		<-pace.C
		post()
		if err := bus.Ready(ctx); err == nil && uttSpool.Stats().Records > 0 {
			t.Fatal("Ready while hypotheses are spooled")
		}
	}
	spooled := uttSpool.Stats().Records
	cl.Restart(0)
	back := time.Now()
	for range 10 { // and after
		<-pace.C
		post()
	}
	testutil.Eventually(t, 60*time.Second, func() error {
		if n := uttSpool.Stats().Records + alertSpool.Stats().Records; n > 0 {
			return fmt.Errorf("%d records still spooled", n)
		}
		stored := countAlerts(t, js)
		if len(stored) < posted {
			return fmt.Errorf("%d of %d alerts stored", len(stored), posted)
		}
		return nil
	})
	t.Logf("%d utterances posted, %d during a %v outage (%d spooled, %d answered queued); all delivered and scanned %v after NATS returned",
		posted, posted-20*rooms, outage(t), spooled, queued, time.Since(back))
	if queued == 0 || spooled == 0 {
		t.Fatalf("nothing went through the spool (queued %d, spooled %d)", queued, spooled)
	}
	seen := countAlerts(t, js)
	for r := range rooms {
		for i := 1; i <= u; i++ {
			if n := seen[fmt.Sprintf("room%d/%d", r, i)]; n != 1 {
				t.Errorf("room%d utterance %d stored %d times, want 1", r, i, n)
			}
		}
	}
	if err := bus.Ready(ctx); err != nil {
		t.Errorf("Ready after delivery: %v", err)
	}
}

// countAlerts counts the stored alerts by room/utterance.
func countAlerts(t *testing.T, js jetstream.JetStream) map[string]int {
	t.Helper()
	seen := map[string]int{}
	for _, data := range readAll(t, js, alerter.AlertStream) {
		a, err := alerter.DecodeAlert(data)
		if err != nil {
			t.Fatal(err)
		}
		seen[fmt.Sprintf("%s/%d", a.Room, a.Utterance)]++
	}
	return seen
}
