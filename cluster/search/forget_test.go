package search

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natstest"
)

// TestForget: a decommissioned index node's registration is removed, so
// the fan-out stops waiting for it; a live node, an unknown one and a bad
// id are refused with an error naming why.
func TestForget(t *testing.T) {
	nc := natstest.InProcess(t, natstest.Start(t, ""))
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	reg, err := OpenRegistry(ctx, js, RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"ixgone", "ixlive"} {
		rctx, stop := context.WithCancel(ctx)
		if err := reg.Register(rctx, n, "host-"+n); err != nil {
			t.Fatal(err)
		}
		stop() // no renewals: the entry stays as written now
	}
	later := time.Now().Add(liveWithin + time.Minute) // ixgone has not renewed since
	tests := []struct {
		name, node string
		now        time.Time
		want       string // in the error; "" none
		live       bool
	}{
		{"bad id", "IX gone", later, "not an index node id", false},
		{"unknown", "ixnone", later, "registered: ixgone, ixlive", false},
		{"live", "ixlive", time.Now(), "stop it first", true},
		{"stale", "ixgone", later, "", false},
		{"already forgotten", "ixgone", later, "no index node ixgone", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Forget(ctx, js, tt.node, tt.now)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Forget(%s) = %v", tt.node, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || errors.Is(err, ErrLive) != tt.live {
				t.Fatalf("Forget(%s) = %v, want an error with %q (live %v)", tt.node, err, tt.want, tt.live)
			}
		})
	}
	reg.forget()
	nodes, err := reg.Nodes(ctx)
	if err != nil || len(nodes) != 1 || nodes[0] != "ixlive" {
		t.Fatalf("nodes after Forget = %v, %v; want [ixlive]", nodes, err)
	}
}
