package app

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/status"
	"github.com/earshot/earshot/internal/testutil"
)

// TestSingleProcessIsTheRoles: `earshot serve` alone runs the four roles
// over its embedded server, as a cluster node would: cluster status sees
// one node with all roles holding every scan partition, and the
// utterance stream's scan and index consumers, and the trust ledger's
// ordered consumer of the finals.
func TestSingleProcessIsTheRoles(t *testing.T) {
	svc, _ := startText(t)
	js, err := jetstream.New(svc.nc)
	if err != nil {
		t.Fatal(err)
	}
	var st status.Status
	// A partition's consumer is made just after its claim is taken: wait
	// for both.
	testutil.WaitFor(t, 10*time.Second, "one node owning and consuming every partition", func() bool {
		st, err = status.Gather(context.Background(), js, svc.cfg.Cluster.Partitions)
		scans := 0
		for _, c := range st.Consumers {
			if strings.HasPrefix(c.Name, "scan-") {
				scans++
			}
		}
		return err == nil && len(st.Nodes) == 1 && len(st.Nodes[0].Partitions) == svc.cfg.Cluster.Partitions && len(st.Unowned) == 0 &&
			scans == svc.cfg.Cluster.Partitions
	})
	n := st.Nodes[0]
	if !slices.Equal(n.Roles, []string{"ingest", "scan", "index", "api"}) || n.HTTP == "" {
		t.Errorf("node %+v", n)
	}
	var names []string
	testutil.WaitFor(t, 10*time.Second, "the trust ledger's consumer", func() bool {
		st, err = status.Gather(context.Background(), js, svc.cfg.Cluster.Partitions)
		names = names[:0]
		trust := 0
		for _, c := range st.Consumers {
			names = append(names, c.Name)
			if strings.HasPrefix(c.Name, "trust-utt") {
				trust++
			}
		}
		return err == nil && trust == 1
	})
	if !slices.Contains(names, "index") || !slices.Contains(names, "scan-0") || len(names) != svc.cfg.Cluster.Partitions+2 {
		t.Errorf("consumers %v", names)
	}
}
