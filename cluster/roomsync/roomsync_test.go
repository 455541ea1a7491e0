package roomsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/rooms"
)

// memRegistry is a rooms registry reduced to its list of specs: what
// roomsync reads and writes (the real one is exercised end to end in e2e).
type memRegistry struct {
	mu    sync.Mutex
	specs map[string]rooms.Spec
}

func newMem(specs ...rooms.Spec) *memRegistry {
	m := &memRegistry{specs: map[string]rooms.Spec{}}
	for _, s := range specs {
		m.specs[s.ID] = s
	}
	return m
}

func (m *memRegistry) Add(spec rooms.Spec) (rooms.Status, error) {
	if err := spec.Validate(m.Schemes()); err != nil {
		return rooms.Status{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.specs[spec.ID]; ok {
		return rooms.Status{}, fmt.Errorf("%q: %w", spec.ID, rooms.ErrExists)
	}
	m.specs[spec.ID] = spec
	return rooms.Status{}, nil
}

func (m *memRegistry) Remove(_ context.Context, id string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.specs[id]; !ok {
		return fmt.Errorf("%q: %w", id, rooms.ErrNotFound)
	}
	delete(m.specs, id)
	return nil
}

func (m *memRegistry) Schemes() []string { return []string{"rtmp", "https", "http", "srt"} }

func (m *memRegistry) Specs() []rooms.Spec {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []rooms.Spec
	for _, s := range m.specs {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b rooms.Spec) int { return strings.Compare(a.ID, b.ID) })
	return out
}

func (m *memRegistry) ids() []string {
	var out []string
	for _, s := range m.Specs() {
		out = append(out, s.ID)
	}
	return out
}

func spec(id string) rooms.Spec {
	return rooms.Spec{ID: id, Anchor: "a-" + id, Source: "rtmp://streams.example/live/" + id}
}

// TestRegistrationsReachEveryNode: a room added or removed on one node is
// added or removed on the others; a node that starts later gets every
// room, deletions made while it was away included, and shares the rooms
// only it had.
func TestRegistrationsReachEveryNode(t *testing.T) {
	srv := natstest.Start(t, "")
	js, err := jetstream.New(natstest.InProcess(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	open := func(reg Registry) *Sync {
		s, err := Open(ctx, js, reg, Options{Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	a, b := newMem(spec("r1")), newMem()
	sa := open(a) // r1, only in a's rooms.json, joins the list
	sb := open(b)
	if !slices.Equal(b.ids(), []string{"r1"}) {
		t.Fatalf("b has %v, want the r1 a shared", b.ids())
	}
	if _, err := sb.Add(spec("r2")); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "r2 on a", func() bool { return slices.Equal(a.ids(), []string{"r1", "r2"}) })
	if err := sa.Remove(ctx, "r1"); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "r1 gone from b", func() bool { return slices.Equal(b.ids(), []string{"r2"}) })

	// c was away: its local list still has r1 (removed since) and r9
	// (never shared). It comes back with r2, without r1, and shares r9.
	c := newMem(spec("r1"), spec("r9"))
	open(c)
	if !slices.Equal(c.ids(), []string{"r2", "r9"}) {
		t.Fatalf("c has %v, want r2 and r9", c.ids())
	}
	testutil.WaitFor(t, 5*time.Second, "r9 on a and b", func() bool {
		return slices.Equal(a.ids(), []string{"r2", "r9"}) && slices.Equal(b.ids(), []string{"r2", "r9"})
	})

	// The same id with another source, registered again elsewhere: the
	// list's newest wins on every node.
	if err := sa.Remove(ctx, "r9"); err != nil {
		t.Fatal(err)
	}
	moved := spec("r9")
	moved.Source = "srt://other.example:9000"
	testutil.WaitFor(t, 5*time.Second, "r9 gone", func() bool { return len(b.ids()) == 1 })
	if _, err := sb.Add(moved); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "r9's new source on a and c", func() bool {
		sa, ok1 := find(a, "r9")
		sc, ok2 := find(c, "r9")
		return ok1 && ok2 && sa == moved && sc == moved
	})
	// A bad entry written by hand is ignored, not applied.
	kv, err := js.KeyValue(ctx, Bucket)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "bad", []byte(`{"id":"bad","source":"file:///etc/passwd"}`)); err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "junk", []byte(`not json`)); err != nil {
		t.Fatal(err)
	}
	if _, err := sb.Add(spec("r3")); err != nil { // a marker after them
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "r3 on a", func() bool { _, ok := find(a, "r3"); return ok })
	if _, ok := find(a, "bad"); ok {
		t.Fatal("a took a registration with a file:// source from the bucket")
	}
}

func find(m *memRegistry, id string) (rooms.Spec, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.specs[id]
	return s, ok
}

// TestAddUndoneWhenTheListIsAway: a registration the cluster's list cannot
// take is undone locally and the error says so.
func TestAddUndoneWhenTheListIsAway(t *testing.T) {
	srv := natstest.Start(t, "")
	nc := natstest.InProcess(t, srv)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	reg := newMem()
	s, err := Open(context.Background(), js, reg, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := js.DeleteKeyValue(context.Background(), Bucket); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add(spec("r1")); !errors.Is(err, ErrUnshared) {
		t.Fatalf("add with the bucket gone: %v, want ErrUnshared", err)
	}
	if len(reg.ids()) != 0 {
		t.Fatalf("registry kept %v", reg.ids())
	}
}
