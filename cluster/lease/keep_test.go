package lease

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natscluster"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestKeepTakesPresenceAgain: a kept claim (a node's presence) is taken
// again whenever it was lost: deleted under its holder, or lost while the
// NATS server did not answer (a real nats-server process killed and
// started again, the "lease lost ... no response from stream").
// Before Keep, a lost presence claim stayed lost until the node restarted.
func TestKeepTakesPresenceAgain(t *testing.T) {
	t.Run("deleted", func(t *testing.T) {
		tab := tables(t, 1, time.Second, nil)[0]
		tab.Keep("node.a")
		if !tab.Holds("node.a") {
			t.Fatal("not taken at once")
		}
		if err := tab.kv.Delete(context.Background(), "node.a"); err != nil {
			t.Fatal(err)
		}
		testutil.WaitFor(t, 5*time.Second, "the claim to be in the bucket again", func() bool {
			e, err := tab.kv.Get(context.Background(), "node.a")
			return err == nil && tab.Holds("node.a") && e.Revision() > 0
		})
	})
	t.Run("server died", func(t *testing.T) {
		cl := natscluster.Start(t, 1, natstest.Authority(t))
		nc, err := cl.Connect(nats.ReconnectWait(50 * time.Millisecond))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(nc.Close)
		js, _ := jetstream.New(nc)
		lost := make(chan string, 10)
		tab, err := Open(testutil.Context(t, 10*time.Second), js, Options{Bucket: "TEST_NODES", Holder: "a", TTL: time.Second,
			Logger: testutil.Quiet(), OnLost: func(k string) { lost <- k }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { tab.Close(context.Background()) })
		tab.Keep("a")
		cl.Kill(0)
		select {
		case <-lost:
		case <-time.After(10 * time.Second):
			t.Fatal("the claim was not lost while the server was down")
		}
		cl.Restart(0)
		testutil.Eventually(t, 20*time.Second, func() error {
			if !tab.Holds("a") {
				return fmt.Errorf("presence not held again")
			}
			claims, err := tab.Claims(context.Background(), "")
			if err != nil {
				return err
			}
			if claims["a"].Holder != "a" {
				return fmt.Errorf("presence not in the bucket: %v", claims)
			}
			return nil
		})
	})
}
