package status

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestGatherAsMonitor: the monitor role reads the whole status of a
// cluster (presence, room and partition claims, the lag of the
// hypothesis consumers) with nothing left unread, and may not change
// anything it reads: no claim written, no consumer deleted or paused, no
// alert published, no other bucket read.
func TestGatherAsMonitor(t *testing.T) {
	srv := natstest.Start(t, "")
	js, err := jetstream.New(natstest.Service(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, 60*time.Second)
	for _, b := range []string{NodesBucket, RoomLeaseBucket, ScanLeaseBucket} {
		l, err := lease.Open(ctx, js, lease.Options{Bucket: b, Holder: "w1", Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		defer l.Close(context.Background())
		key := map[string]string{NodesBucket: "w1", RoomLeaseBucket: "room.r1", ScanLeaseBucket: "p.0"}[b]
		if ok, err := l.TryTake(ctx, key); !ok || err != nil {
			t.Fatal(b, ok, err)
		}
	}
	s, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "EARSHOT_UTT", Subjects: []string{"earshot.utt.>"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{Durable: "scan-p0", AckPolicy: jetstream.AckExplicitPolicy}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "EARSHOT_LEXICON"}); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var errs []error
	mon := natstest.Connect(t, srv.ClientURL(), srv.Auth(), natsauth.User{Role: natsauth.RoleMonitor},
		nats.CustomInboxPrefix(natsauth.MonitorInboxPrefix), // as earshot cluster status connects
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			mu.Lock()
			defer mu.Unlock()
			errs = append(errs, err)
		}))
	mjs, err := jetstream.New(mon)
	if err != nil {
		t.Fatal(err)
	}
	st, err := Gather(ctx, mjs, 1)
	if err != nil {
		t.Fatalf("Gather as monitor: %v", err)
	}
	if len(st.Nodes) != 1 || st.Nodes[0].Holder != "w1" || len(st.Nodes[0].Rooms) != 1 || len(st.Nodes[0].Partitions) != 1 {
		t.Errorf("nodes %+v, want w1 with room r1 and partition 0", st.Nodes)
	}
	if len(st.Consumers) != 1 || st.Consumers[0].Name != "scan-p0" {
		t.Errorf("consumers %+v, want scan-p0", st.Consumers)
	}
	mu.Lock()
	seen := fmt.Sprint(errs)
	mu.Unlock()
	if strings.Contains(seen, "Permissions Violation") {
		t.Errorf("Gather as monitor hit a permission violation: %s", seen)
	}

	for _, subj := range []string{
		"$KV." + RoomLeaseBucket + ".room.r1", // steal a room
		"$JS.API.CONSUMER.DELETE.EARSHOT_UTT.scan-p0",
		"$JS.API.CONSUMER.PAUSE.EARSHOT_UTT.scan-p0",
		"$JS.API.CONSUMER.CREATE.EARSHOT_UTT", // read hypotheses
		"$JS.API.DIRECT.GET.KV_EARSHOT_LEXICON.$KV.EARSHOT_LEXICON.active",
		"$JS.API.STREAM.PURGE.KV_" + ScanLeaseBucket,
		"earshot.alert.medical.r1",
	} {
		if err := mon.Publish(subj, []byte("{}")); err != nil {
			t.Fatal(err)
		}
		want := `Permissions Violation for Publish to "` + subj + `"`
		testutil.Eventually(t, 5*time.Second, func() error {
			_ = mon.Flush()
			mu.Lock()
			defer mu.Unlock()
			for _, err := range errs {
				if errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), want) {
					return nil
				}
			}
			return fmt.Errorf("monitor published %s without a violation", subj)
		})
	}
	// Nor may it read other users' replies (KV values, messages the
	// nodes fetch) on _INBOX.>: its own come on MonitorInboxPrefix.
	if _, err := mon.SubscribeSync("_INBOX.>"); err != nil {
		t.Fatal(err)
	}
	want := `Permissions Violation for Subscription to "_INBOX.>"`
	testutil.Eventually(t, 5*time.Second, func() error {
		_ = mon.Flush()
		mu.Lock()
		defer mu.Unlock()
		if strings.Contains(fmt.Sprint(errs), want) {
			return nil
		}
		return errors.New("monitor subscribed to _INBOX.> without a violation")
	})
}
