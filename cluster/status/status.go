package status

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/cluster/lease"
	"github.com/earshot/earshot/cluster/utt"
)

// Buckets read by Gather; the writers name the same (internal/app,
// cluster/placement, cluster/utt).
const (
	NodesBucket     = "EARSHOT_NODES"
	RoomLeaseBucket = "EARSHOT_ROOM_LEASES"
	ScanLeaseBucket = "EARSHOT_SCAN_LEASES"
)

// NodeInfo is what a node's presence claim in NodesBucket says.
type NodeInfo struct {
	Roles []string `json:"roles"`
	HTTP  string   `json:"http,omitempty"`
}

// Node is one live node.
type Node struct {
	Holder     string    `json:"holder"`
	Roles      []string  `json:"roles"`
	HTTP       string    `json:"http,omitempty"`
	Seen       time.Time `json:"seen"`
	Rooms      []string  `json:"rooms,omitempty"`      // pulled rooms it owns
	Partitions []string  `json:"partitions,omitempty"` // scan partitions it consumes
}

// Consumer is one durable consumer of EARSHOT_UTT.
type Consumer struct {
	Name        string `json:"name"`
	Lag         uint64 `json:"lag"` // messages not yet delivered
	AckPending  int    `json:"ack_pending"`
	Redelivered int    `json:"redelivered"`
}

// Status is the whole picture.
type Status struct {
	Nodes     []Node     `json:"nodes"`
	Consumers []Consumer `json:"consumers"`
	// Unowned lists partitions no scanner holds now.
	Unowned []string `json:"unowned_partitions,omitempty"`
}

// Gather reads the cluster's status.
func Gather(ctx context.Context, js jetstream.JetStream, partitions int) (Status, error) {
	var st Status
	nodes := map[string]*Node{}
	node := func(holder string) *Node {
		n, ok := nodes[holder]
		if !ok {
			n = &Node{Holder: holder}
			nodes[holder] = n
		}
		return n
	}
	presence, err := claims(ctx, js, NodesBucket)
	if err != nil {
		return st, err
	}
	for holder, c := range presence {
		var info NodeInfo
		_ = json.Unmarshal(c.Info, &info)
		n := node(holder)
		n.Roles, n.HTTP, n.Seen = info.Roles, info.HTTP, c.At
	}
	rooms, err := claims(ctx, js, RoomLeaseBucket)
	if err != nil {
		return st, err
	}
	for k, c := range rooms {
		if id, ok := strings.CutPrefix(k, "room."); ok {
			node(c.Holder).Rooms = append(node(c.Holder).Rooms, id)
		}
	}
	parts, err := claims(ctx, js, ScanLeaseBucket)
	if err != nil {
		return st, err
	}
	owned := map[string]bool{}
	for k, c := range parts {
		if p, ok := strings.CutPrefix(k, "p."); ok {
			node(c.Holder).Partitions = append(node(c.Holder).Partitions, p)
			owned[p] = true
		}
	}
	for p := range partitions {
		if !owned[fmt.Sprint(p)] {
			st.Unowned = append(st.Unowned, fmt.Sprint(p))
		}
	}
	for _, n := range nodes {
		sort.Strings(n.Rooms)
		sort.Strings(n.Partitions)
		st.Nodes = append(st.Nodes, *n)
	}
	sort.Slice(st.Nodes, func(i, j int) bool { return st.Nodes[i].Holder < st.Nodes[j].Holder })
	if st.Consumers, err = consumers(ctx, js); err != nil {
		return st, err
	}
	return st, nil
}

// claims reads every claim of bucket; a bucket that does not exist yet is
// empty.
func claims(ctx context.Context, js jetstream.JetStream, bucket string) (map[string]lease.Claim, error) {
	kv, err := js.KeyValue(ctx, bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("status: bucket %s: %w", bucket, err)
	}
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("status: bucket %s: %w", bucket, err)
	}
	out := map[string]lease.Claim{}
	for k := range lister.Keys() {
		e, err := kv.Get(ctx, k)
		if err != nil {
			continue
		}
		var c lease.Claim
		if json.Unmarshal(e.Value(), &c) == nil {
			if c.Holder == "" { // the presence claims of EARSHOT_NODES are keyed by holder
				c.Holder = k
			}
			out[k] = c
		}
	}
	return out, nil
}

func consumers(ctx context.Context, js jetstream.JetStream) ([]Consumer, error) {
	s, err := js.Stream(ctx, utt.Stream)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("status: stream %s: %w", utt.Stream, err)
	}
	var out []Consumer
	l := s.ListConsumers(ctx)
	for ci := range l.Info() {
		out = append(out, Consumer{Name: ci.Name, Lag: ci.NumPending, AckPending: ci.NumAckPending, Redelivered: ci.NumRedelivered})
	}
	if err := l.Err(); err != nil {
		return out, fmt.Errorf("status: consumers of %s: %w", utt.Stream, err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}
