package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/cluster/search"
	"github.com/earshot/earshot/internal/natstest"
)

// TestClusterForgetIndex: `earshot cluster forget-index` with an index
// node's creds removes a stopped node's registration, refuses a live one
// and an unknown one, and a monitor (read-only) may not forget at all.
func TestClusterForgetIndex(t *testing.T) {
	srv := natstest.Start(t, "")
	js, err := jetstream.New(natstest.Service(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	reg, err := search.OpenRegistry(ctx, js, search.RegistryOptions{})
	if err != nil {
		t.Fatal(err)
	}
	kv, err := js.KeyValue(ctx, search.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := json.Marshal(map[string]any{"holder": "host-a", "at": time.Now().Add(-2 * time.Hour)})
	if _, err := kv.Put(ctx, "ixstopped", old); err != nil {
		t.Fatal(err)
	}
	live, stop := context.WithCancel(ctx)
	defer stop()
	if err := reg.Register(live, "ixlive", "host-b"); err != nil {
		t.Fatal(err)
	}
	index := natstest.CredsFile(t, srv.Auth(), natsauth.User{Role: natsauth.RoleIndex})
	monitor := natstest.CredsFile(t, srv.Auth(), natsauth.User{Role: natsauth.RoleMonitor})
	forget := func(creds, node string) (string, error) {
		out, _, err := runCLI(t, "cluster", "forget-index", node, "--nats-url", srv.ClientURL(), "--nats-creds", creds)
		return out, err
	}
	tests := []struct {
		name, creds, node string
		want              string // in the error; "" success
	}{
		{"monitor may not", monitor, "ixstopped", "are monitor creds"},
		{"live", index, "ixlive", "stop it first"},
		{"unknown", index, "ixnever", "registered: ixlive, ixstopped"},
		{"stopped", index, "ixstopped", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := forget(tt.creds, tt.node)
			if tt.want == "" {
				if err != nil || !strings.Contains(out, "forgot index node "+tt.node) {
					t.Fatalf("forget-index %s: %q, %v", tt.node, out, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("forget-index %s: %v, want an error with %q", tt.node, err, tt.want)
			}
		})
	}
	l, err := kv.ListKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range l.Keys() {
		keys = append(keys, k)
	}
	if len(keys) != 1 || keys[0] != "ixlive" {
		t.Fatalf("registered after forget-index: %v, want [ixlive]", keys)
	}
}
