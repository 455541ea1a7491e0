package natsink

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// fillAlerts stores n alerts straight into the stream (async publishes,
// faster than Send): rooms room-0..room-(n/100) in turn, so each room has
// about a hundred, plus one sparse room with an alert every n/10; the
// categories cycle over four. Alert times are a second apart, ending at now.
func fillAlerts(tb testing.TB, nc *nats.Conn, n int) {
	tb.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		tb.Fatal(err)
	}
	cats := []string{"medical-claim", "absolute-claim", "private-goods", "price-fraud"}
	rooms := max(1, n/100)
	start := time.Now().Add(-time.Duration(n) * time.Second)
	for i := range n {
		room := "room-" + strconv.Itoa(i%rooms)
		if i%(max(1, n/10)) == 0 {
			room = "sparse"
		}
		a := hit(room, "R"+strconv.Itoa(i%7), uint64(i))
		a.Category = cats[i%len(cats)]
		a = alerter.Fill(a, start.Add(time.Duration(i)*time.Second))
		data, err := json.Marshal(a)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := js.PublishAsync(alerter.AlertSubject(a.Category, a.Room), data); err != nil {
			tb.Fatal(err)
		}
		if i%4096 == 0 {
			<-js.PublishAsyncComplete()
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		tb.Fatal("publishes not acknowledged")
	}
}

// BenchmarkAlertList lists alerts (scan: the old full read, the baseline;
// windows: Page) from a stream of EARSHOT_BENCH_ALERTS
// alerts (default 100000): the newest 100, one category's, one busy
// room's, a sparse room's (10 alerts spread over the whole stream), and
// the last hour's.
// Run: go test -run '^$' -bench AlertList -benchtime 20x ./alerter/natsink/
func BenchmarkAlertList(b *testing.B) {
	n := 100000
	if v, err := strconv.Atoi(os.Getenv("EARSHOT_BENCH_ALERTS")); err == nil && v > 0 {
		n = v
	}
	e := newEnv(b, Options{Now: time.Now, Duplicates: time.Second})
	fillAlerts(b, e.nc, n)
	for _, c := range []struct {
		name string
		q    Query
	}{
		{"newest-100", Query{Limit: 100}},
		{"category-100", Query{Category: "price-fraud", Limit: 100}},
		{"room-100", Query{Room: "room-3", Limit: 100}},
		{"sparse-room", Query{Room: "sparse", Limit: 100}},
		{"last-hour", Query{Since: time.Now().Add(-time.Hour), Limit: 100}},
	} {
		for _, way := range []struct {
			name string
			list func(context.Context, Query) ([]alerter.Alert, error)
		}{{"scan", e.sink.Log().scanAll}, {"windows", e.sink.Alerts}} {
			b.Run(c.name+"/"+way.name, func(b *testing.B) {
				var got int
				for b.Loop() {
					as, err := way.list(context.Background(), c.q)
					if err != nil {
						b.Fatal(err)
					}
					got = len(as)
				}
				b.ReportMetric(float64(got), "alerts")
			})
		}
	}
}

// scanAll is how the log was read before Page, kept as the benchmark's
// baseline: one consumer from the start of the stream (or q.Since),
// every matching alert read, the newest q.Limit kept.
func (l *Log) scanAll(ctx context.Context, q Query) ([]alerter.Alert, error) {
	filter, err := q.filter()
	if err != nil {
		return nil, err
	}
	cons, err := l.js.CreateConsumer(ctx, alerter.AlertStream, q.consumerConfig(filter))
	if err != nil {
		return nil, err
	}
	defer l.deleteConsumer(cons.CachedInfo().Name)
	r := newRing[alerter.Alert](q.limit())
	for pending := cons.CachedInfo().NumPending; pending > 0; {
		batch, err := cons.FetchNoWait(fetchBatch)
		if err != nil {
			return nil, err
		}
		n := 0
		for msg := range batch.Messages() {
			n++
			if md, err := msg.Metadata(); err == nil {
				pending = md.NumPending
			}
			if a, err := alerter.DecodeAlert(msg.Data()); err == nil {
				r.push(a)
			}
		}
		if n == 0 {
			break
		}
	}
	return r.slice(), nil
}
