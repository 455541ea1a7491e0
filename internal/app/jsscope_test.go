package app

import (
	"slices"
	"testing"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/cluster/placement"
	"github.com/earshot/earshot/cluster/status"
)

// TestEveryStreamHasPermissions: every stream and bucket earshot makes
// (each has a bound, bounds.go, but the lease buckets) is in the cluster
// roles' table, some role manages it, and the table lists nothing else: a
// new stream without permissions would leave every role-scoped node
// waiting for it or refused.
func TestEveryStreamHasPermissions(t *testing.T) {
	made := []string{"KV_" + status.NodesBucket, "KV_" + placement.Bucket}
	for _, sh := range boundShares {
		made = append(made, sh.stream)
	}
	for _, st := range made {
		if len(natsauth.ManagedBy(st)) == 0 {
			t.Errorf("stream %s: no cluster role may make it (alerter/natsauth/cluster.go)", st)
		}
	}
	for _, st := range natsauth.Streams() {
		if !slices.Contains(made, st) {
			t.Errorf("natsauth lists stream %s, which earshot does not make", st)
		}
	}
}
