package trust

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

const testUtt = "EARSHOT_UTT"

// rig is a real embedded server with the streams the ledger reads.
type rig struct {
	nc *nats.Conn
	js jetstream.JetStream
	kv jetstream.KeyValue
}

func newRig(t *testing.T) *rig { return newRigB(t) }

func newRigB(t testing.TB) *rig {
	t.Helper()
	s := natstest.Start(t, "")
	nc := natstest.Service(t, s)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, 30*time.Second)
	for _, cfg := range []jetstream.StreamConfig{
		{Name: alerter.AlertStream, Subjects: []string{alerter.AlertSubjects}},
		{Name: testUtt, Subjects: []string{"earshot.uttp.>"}},
	} {
		if _, err := js.CreateStream(ctx, cfg); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		t.Fatal(err)
	}
	kv, err := EnsureBucket(ctx, js, BucketOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return &rig{nc: nc, js: js, kv: kv}
}

func (r *rig) publish(t *testing.T, msgs []Msg) {
	t.Helper()
	ctx := testutil.Context(t, 30*time.Second)
	for _, m := range msgs {
		if _, err := r.js.Publish(ctx, m.Subject, m.Data); err != nil {
			t.Fatalf("publish %s: %v", m.Subject, err)
		}
	}
}

func sources() []Source {
	return append(DefaultSources(), Source{Stream: testUtt, Mark: StreamUtt, Filter: "earshot.uttp.>", FlushHeader: "Earshot-Flush"})
}

func (r *rig) start(t *testing.T, v *View) *Ledger {
	t.Helper()
	// The alert log, as the wiring passes it: a decision read before its
	// alert finds it there.
	log, err := natsink.NewLog(r.nc, natsink.Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := Start(r.nc, Options{KV: r.kv, Sources: sources(), View: v, Logger: testutil.Quiet(), Lookup: log.Alert})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// caughtUp waits until the ledger's checkpoints reach every stream's
// last message.
func (r *rig) caughtUp(t *testing.T) {
	t.Helper()
	ctx := testutil.Context(t, 30*time.Second)
	testutil.Eventually(t, 20*time.Second, func() error {
		for _, src := range sources() {
			st, err := r.js.Stream(ctx, src.Stream)
			if err != nil {
				return err
			}
			last := st.CachedInfo().State.LastSeq
			e, err := r.kv.Get(ctx, "c."+Token(src.Mark))
			if err != nil {
				return fmt.Errorf("checkpoint of %s: %w", src.Mark, err)
			}
			if string(e.Value()) != fmt.Sprint(last) {
				return fmt.Errorf("checkpoint of %s at %s, last message %d", src.Mark, e.Value(), last)
			}
		}
		return nil
	})
}

// watched is a new view fed from the bucket, as an API node has.
func (r *rig) watched(t *testing.T) *View {
	t.Helper()
	v := NewView(0, 0, nil)
	ready := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	if err := Watch(ctx, r.kv, v, testutil.Quiet(), ready); err != nil {
		t.Fatal(err)
	}
	<-ready
	return v
}

func expect(t *testing.T, v *View, kind Kind, id string, score float64, ind map[string]want) {
	t.Helper()
	testutil.Eventually(t, 20*time.Second, func() error {
		r, ok := v.Account(kind, id)
		if !ok {
			return fmt.Errorf("%s %s not in the view", kind, id)
		}
		for name, w := range ind {
			if in, _ := r.Get(name); in.Value != w.value {
				return fmt.Errorf("%s %s: %s = %v, want %v", kind, id, name, in.Value, w.value)
			}
		}
		if r.Score.Score != score {
			vals := map[string]float64{}
			for _, in := range r.Indicators {
				vals[in.Name] = in.Value
			}
			return fmt.Errorf("%s %s: score %v, want %v (%v)", kind, id, r.Score.Score, score, vals)
		}
		return nil
	})
}

func TestLedgerCountsOnceAcrossRestarts(t *testing.T) {
	r := newRig(t)
	now := time.Now().UTC().Add(-time.Minute)
	r.publish(t, workedExampleAt(now))

	v1 := NewView(0, 0, nil)
	l := r.start(t, v1)
	expect(t, v1, Anchor, "amy", 47.66, map[string]want{"airtime_hours": {2, 0}, "alerts": {5, 0}})
	expect(t, v1, Merchant, "shop1", 54.53, nil)
	l.Close()

	// Another hour on air while the ledger was down: counted on restart,
	// and nothing counted before is counted again.
	s := seqs{StreamUtt: 100}
	var more []Msg
	for i := range 6 {
		more = append(more, s.final("room1", "amy", "shop1", now.Add(time.Duration(i)*time.Minute), 600_000))
	}
	r.publish(t, more)
	v2 := r.watched(t)
	l = r.start(t, v2)
	expect(t, v2, Anchor, "amy", 54.53, map[string]want{"airtime_hours": {3, 0}, "alerts": {5, 0}, "reports": {6, 0}})
	l.Close()

	// Checkpoints lost: everything is read again from the start and every
	// entry's marks skip it.
	ctx := testutil.Context(t, 10*time.Second)
	for _, mark := range []string{alerter.AlertStream, alerter.EventStream, StreamUtt} {
		if err := r.kv.Delete(ctx, "c."+Token(mark)); err != nil {
			t.Fatal(err)
		}
	}
	v3 := r.watched(t)
	l = r.start(t, v3)
	testutil.WaitFor(t, 20*time.Second, "the ledger to read every stream again", func() bool {
		return l.Applied.Load()+l.Skipped.Load() >= uint64(len(workedExampleAt(now))+len(more))
	})
	l.Close()
	v4 := r.watched(t)
	expect(t, v4, Anchor, "amy", 54.53, map[string]want{"airtime_hours": {3, 0}, "alerts": {5, 0}, "heeded": {3, 0}})
	expect(t, v4, Anchor, "bob", 100, map[string]want{"airtime_hours": {1, 0}})
}

// Two writers at once (a leader that lost its claim still finishing a
// batch while the next one starts) still count every message once.
func TestTwoWritersCountOnce(t *testing.T) {
	r := newRig(t)
	now := time.Now().UTC().Add(-time.Minute)
	// Both start before anything is stored, so both read every message.
	a, b := r.start(t, NewView(0, 0, nil)), r.start(t, NewView(0, 0, nil))
	r.publish(t, workedExampleAt(now))
	r.caughtUp(t)
	a.Close()
	b.Close()
	v := r.watched(t)
	expect(t, v, Anchor, "amy", 47.66, map[string]want{"airtime_hours": {2, 0}, "alerts": {5, 0}, "reminders": {4, 0}})
	expect(t, v, Merchant, "shop1", 54.53, map[string]want{"airtime_hours": {3, 0}})
}

func TestLedgerPublishesMerchantScores(t *testing.T) {
	r := newRig(t)
	sub, err := r.nc.SubscribeSync(alerter.TrustSubjectPrefix + ".>")
	if err != nil {
		t.Fatal(err)
	}
	l := r.start(t, NewView(0, 0, nil))
	defer l.Close()
	now := time.Now().UTC().Add(-time.Minute)
	r.publish(t, workedExampleAt(now))
	var last Change
	deadline := time.Now().Add(20 * time.Second)
	for last.Score != 54.53 {
		m, err := sub.NextMsg(time.Until(deadline))
		if err != nil {
			t.Fatalf("no earshot.trust message with score 54.53 (last %+v): %v", last, err)
		}
		if m.Subject != alerter.TrustSubject("shop1") {
			t.Fatalf("trust message on %s", m.Subject)
		}
		if err := json.Unmarshal(m.Data, &last); err != nil {
			t.Fatal(err)
		}
	}
	if last.Schema != ChangeSchema || last.Merchant != "shop1" || last.Formula != FormulaVersion || len(last.Indicators) == 0 {
		t.Errorf("change %+v", last)
	}
}
