package trust

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/internal/testutil"
)

// BenchmarkApplyFinal is the hot path: one final hypothesis counted into
// the cached entries of its anchor and merchant.
func BenchmarkApplyFinal(b *testing.B) {
	s := seqs{}
	msgs := make([]Msg, 1024)
	for i := range msgs {
		msgs[i] = s.final(fmt.Sprintf("room%d", i%64), fmt.Sprintf("anchor%d", i%64), fmt.Sprintf("shop%d", i%8), day1, 4000)
	}
	c := newCache(nil, nil)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		m := msgs[i%len(msgs)]
		m.Seq = uint64(i + 1)
		if err := apply(ctx, c, m); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyAlertDecision counts an alert and staff's decision on it.
func BenchmarkApplyAlertDecision(b *testing.B) {
	c := newCache(nil, nil)
	ctx := context.Background()
	s := seqs{}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		a := testAlert(fmt.Sprintf("A%d", i), "room1", "amy", "shop1", "absolute-claims", "high", day1)
		if err := apply(ctx, c, s.alert(a)); err != nil {
			b.Fatal(err)
		}
		if err := apply(ctx, c, s.decide(a, disposition.Confirmed, day1)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAccount scores one account over a full 30-day window.
func BenchmarkAccount(b *testing.B) {
	msgs := workedExample()
	s := seqs{StreamUtt: 1000}
	for d := range 30 {
		msgs = append(msgs, s.final("room1", "amy", "shop1", day1.AddDate(0, 0, -d), 60_000))
	}
	v, err := Replay(context.Background(), msgs, nil, 30, evening)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := v.Account(Anchor, "amy"); !ok {
			b.Fatal("no amy")
		}
	}
}

// BenchmarkLedgerFlush is the writer's whole path on a real server:
// a batch of 512 finals over 64 anchors and 8 merchants applied, written
// with compare-and-set and checkpointed.
func BenchmarkLedgerFlush(b *testing.B) {
	r := newRigB(b)
	l := &Ledger{js: r.js, opts: Options{KV: r.kv, View: NewView(0, 0, nil), Batch: 512}}
	l.pub = newPublisher(r.nc, r.kv, l.opts.View, testutil.Quiet())
	ctx := context.Background()
	l.cache = newCache(kvLoad(ctx, r.kv), nil)
	s := seqs{}
	b.ReportAllocs()
	for b.Loop() {
		batch := make([]Msg, 512)
		for i := range batch {
			batch[i] = s.final(fmt.Sprintf("room%d", i%64), fmt.Sprintf("anchor%d", i%64), fmt.Sprintf("shop%d", i%8), time.Now(), 4000)
		}
		if err := l.process(ctx, batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*512)/b.Elapsed().Seconds(), "msgs/s")
}

// BenchmarkViewLoad is an API node's start: the view reads every day
// entry of the bucket (here 1,000 accounts x 30 days) through the watch.
func BenchmarkViewLoad(b *testing.B) {
	r := newRigB(b)
	ctx := context.Background()
	today := time.Now().UTC()
	d := Day{AirtimeMs: 3_600_000, Finals: 900, Alerts: map[string]int64{"absolute-claims/high": 2}, Confirmed: map[string]int64{"high": 1},
		Reminders: 2, Heeded: 1, Marks: map[string]uint64{StreamUtt: 123456, "EARSHOT_ALERTS": 4567}}
	const accounts, days = 1000, 30
	for a := range accounts {
		for i := range days {
			d.Date = DateOf(today.AddDate(0, 0, -i))
			data, _ := json.Marshal(d)
			if _, err := r.kv.Put(ctx, dayKey(Anchor, fmt.Sprintf("anchor%d", a), d.Date), data); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ResetTimer()
	for b.Loop() {
		v := NewView(0, 0, nil)
		ready := make(chan struct{})
		wctx, cancel := context.WithCancel(ctx)
		if err := Watch(wctx, r.kv, v, testutil.Quiet(), ready); err != nil {
			b.Fatal(err)
		}
		<-ready
		cancel()
		if len(v.IDs(Anchor)) != accounts {
			b.Fatalf("%d accounts", len(v.IDs(Anchor)))
		}
	}
	b.ReportMetric(float64(accounts*days), "entries")
}
