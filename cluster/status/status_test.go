package status

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestGatherSaysWhatItCouldNotRead: a claim that does not decode and a
// bucket that is not a KV bucket are named in Unread (and the error),
// and the rest of the picture is still there. Before, the claim was
// dropped without a word and the bad bucket failed the whole status.
func TestGatherSaysWhatItCouldNotRead(t *testing.T) {
	srv := natstest.Start(t, "")
	js, err := jetstream.New(natstest.Service(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, 30*time.Second)
	nodes, err := lease.Open(ctx, js, lease.Options{Bucket: NodesBucket, Holder: "n1", Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer nodes.Close(context.Background())
	nodes.SetInfo(NodeInfo{Roles: []string{"scan"}})
	if ok, err := nodes.TryTake(ctx, "n1"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	kv, err := js.KeyValue(ctx, NodesBucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "n2", []byte("{not json")); err != nil {
		t.Fatal(err)
	}
	// A stream squatting on the room leases' name that is no KV bucket.
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "KV_" + RoomLeaseBucket, Subjects: []string{"squat.>"}}); err != nil {
		t.Fatal(err)
	}
	st, err := Gather(ctx, js, 2)
	if !errors.Is(err, ErrPartial) {
		t.Fatalf("Gather: %v, want ErrPartial", err)
	}
	unread := strings.Join(st.Unread, "\n")
	for _, want := range []string{"bucket EARSHOT_NODES: key n2: not a claim", "bucket EARSHOT_ROOM_LEASES"} {
		if !strings.Contains(unread, want) {
			t.Errorf("Unread %q does not name %q", unread, want)
		}
	}
	if len(st.Nodes) != 1 || st.Nodes[0].Holder != "n1" || st.Nodes[0].Roles[0] != "scan" {
		t.Errorf("the readable part is missing: %+v", st.Nodes)
	}
	if len(st.Unowned) != 2 {
		t.Errorf("unowned partitions %v, want both (the scan leases were read)", st.Unowned)
	}
}
