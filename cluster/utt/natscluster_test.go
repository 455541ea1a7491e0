package utt

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natscluster"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// TestKillOneNATSNode runs the scan path on a real 3-server JetStream
// cluster (nats-server processes from go.mod, R3 streams) and kill -9s one
// server a third of the way through 240 violations posted over 8 rooms:
// every violation ends with its alert stored exactly once (checked by room
// and utterance against what was sent), a post that failed during the
// election being retried as a platform would. Slow (about 20 s): skipped
// with -short, run in CI.
func TestKillOneNATSNode(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process cluster test (-short)")
	}
	cl := natscluster.Start(t, 3, natstest.Authority(t))
	nc, err := cl.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := testutil.Context(t, 90*time.Second)
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: 4, Replicas: 3}); err != nil {
		t.Fatal(err)
	}
	sink, err := natsink.New(ctx, nc, natsink.Options{Replicas: 3, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := pipeline.NewScanner(pipeline.ScanConfig{Matcher: testMatcher, Sink: sink, Logger: testutil.Quiet()})
	scan, err := NewScan(nc, ScanOptions{Scanner: sc, Partitions: 4, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer scan.Close()
	if err := scan.OwnAll(ctx); err != nil {
		t.Fatal(err)
	}
	bus, err := NewBus(nc, BusOptions{Logger: testutil.Quiet(), ScanTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer bus.Close()

	const rooms, perRoom = 8, 30
	feeds := make([]pipeline.Feed, rooms)
	for r := range feeds {
		feeds[r], _ = bus.Open(pipeline.Room{ID: fmt.Sprintf("room%d", r)}, "s1", pipeline.FeedOptions{})
	}
	retries := 0
	start := time.Now()
	for u := 1; u <= perRoom; u++ {
		if u == perRoom/3 {
			cl.Kill(0)
			t.Logf("killed n0 after %v", time.Since(start))
		}
		for r, f := range feeds {
			h := transcript.Hypothesis{Utterance: uint64(u), Final: true, Text: "it cure"}
			for try := 0; ; try++ {
				got, err := f.Scan(ctx, []transcript.Hypothesis{h})
				if err == nil && len(got) == 1 {
					break
				}
				if try > 20 || ctx.Err() != nil {
					t.Fatalf("room%d utterance %d never alerted: %v", r, u, err)
				}
				retries++ // the same utterance again: its alert keeps its Nats-Msg-Id
			}
		}
	}
	t.Logf("%d violations posted in %v, %d posts retried during the election", rooms*perRoom, time.Since(start), retries)
	stored := readAll(t, js, alerter.AlertStream)
	seen := map[string]int{}
	for _, data := range stored {
		a, err := alerter.DecodeAlert(data)
		if err != nil {
			t.Fatal(err)
		}
		seen[fmt.Sprintf("%s/%d", a.Room, a.Utterance)]++
	}
	for r := range rooms {
		for u := 1; u <= perRoom; u++ {
			if n := seen[fmt.Sprintf("room%d/%d", r, u)]; n != 1 {
				t.Errorf("room%d utterance %d stored %d times, want 1", r, u, n)
			}
		}
	}
	if len(stored) != rooms*perRoom {
		t.Errorf("alert stream holds %d alerts, want %d", len(stored), rooms*perRoom)
	}
}

// readAll reads every message of stream with an ordered consumer, trying
// again (within the test's deadline) while the cluster settles after the
// kill.
func readAll(t *testing.T, js jetstream.JetStream, stream string) [][]byte {
	t.Helper()
	var out [][]byte
	testutil.Eventually(t, 60*time.Second, func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, err := js.OrderedConsumer(ctx, stream, jetstream.OrderedConsumerConfig{})
		if err != nil {
			return err
		}
		info, err := c.Info(ctx)
		if err != nil {
			return err
		}
		want := info.NumPending
		var got [][]byte
		for uint64(len(got)) < want {
			batch, err := c.Fetch(500, jetstream.FetchMaxWait(2*time.Second))
			if err != nil {
				return err
			}
			for m := range batch.Messages() {
				got = append(got, m.Data())
			}
			if err := batch.Error(); err != nil {
				return err
			}
		}
		out = got
		return nil
	})
	return out
}
