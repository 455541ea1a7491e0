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
	// Unowned lists partitions no scanner holds now (left out when the
	// scanners' claims could not be read).
	Unowned []string `json:"unowned_partitions,omitempty"`
	// Unread says what could not be read and why: the picture above is
	// missing that part. Gather's error says the same.
	Unread []string `json:"unread,omitempty"`
}

// ErrPartial: Gather could not read every part; Status.Unread says which.
var ErrPartial = errors.New("status: not every part could be read")

// Gather reads the cluster's status. What it cannot read (a bucket or
// stream that does not answer, a claim that does not decode) is named in
// Status.Unread and the error wraps ErrPartial; the rest is still filled
// in.
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
	read := func(bucket string) map[string]lease.Claim {
		c, unread := claims(ctx, js, bucket)
		st.Unread = append(st.Unread, unread...)
		return c
	}
	for holder, c := range read(NodesBucket) {
		var info NodeInfo
		if err := json.Unmarshal(c.Info, &info); err != nil && len(c.Info) > 0 {
			st.Unread = append(st.Unread, fmt.Sprintf("bucket %s: node %s: info: %v", NodesBucket, holder, err))
		}
		n := node(holder)
		n.Roles, n.HTTP, n.Seen = info.Roles, info.HTTP, c.At
	}
	for k, c := range read(RoomLeaseBucket) {
		if id, ok := strings.CutPrefix(k, "room."); ok {
			node(c.Holder).Rooms = append(node(c.Holder).Rooms, id)
		}
	}
	before := len(st.Unread)
	owned := map[string]bool{}
	for k, c := range read(ScanLeaseBucket) {
		if p, ok := strings.CutPrefix(k, "p."); ok {
			node(c.Holder).Partitions = append(node(c.Holder).Partitions, p)
			owned[p] = true
		}
	}
	for p := range partitions {
		if len(st.Unread) == before && !owned[fmt.Sprint(p)] { // unknown is not unowned
			st.Unowned = append(st.Unowned, fmt.Sprint(p))
		}
	}
	for _, n := range nodes {
		sort.Strings(n.Rooms)
		sort.Strings(n.Partitions)
		st.Nodes = append(st.Nodes, *n)
	}
	sort.Slice(st.Nodes, func(i, j int) bool { return st.Nodes[i].Holder < st.Nodes[j].Holder })
	var err error
	if st.Consumers, err = consumers(ctx, js); err != nil {
		st.Unread = append(st.Unread, err.Error())
	}
	if len(st.Unread) > 0 {
		return st, fmt.Errorf("%w: %s", ErrPartial, strings.Join(st.Unread, "; "))
	}
	return st, nil
}

// claims reads every claim of bucket; a bucket that does not exist yet is
// empty. unread names what could not be read.
func claims(ctx context.Context, js jetstream.JetStream, bucket string) (out map[string]lease.Claim, unread []string) {
	kv, err := js.KeyValue(ctx, bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, []string{fmt.Sprintf("bucket %s: %v", bucket, err)}
	}
	lister, err := kv.ListKeys(ctx)
	if err != nil {
		return nil, []string{fmt.Sprintf("bucket %s: listing keys: %v", bucket, err)}
	}
	out = map[string]lease.Claim{}
	for k := range lister.Keys() {
		e, err := kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) || errors.Is(err, jetstream.ErrKeyDeleted) {
			continue // expired or released between list and get
		}
		if err != nil {
			unread = append(unread, fmt.Sprintf("bucket %s: key %s: %v", bucket, k, err))
			continue
		}
		var c lease.Claim
		if err := json.Unmarshal(e.Value(), &c); err != nil {
			unread = append(unread, fmt.Sprintf("bucket %s: key %s: not a claim: %v", bucket, k, err))
			continue
		}
		if c.Holder == "" { // the presence claims of EARSHOT_NODES are keyed by holder
			c.Holder = k
		}
		out[k] = c
	}
	if ctx.Err() != nil {
		unread = append(unread, fmt.Sprintf("bucket %s: %v (the listing may be cut short)", bucket, ctx.Err()))
	}
	return out, unread
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
