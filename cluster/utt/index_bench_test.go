package utt

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline/transcripts"
	"github.com/earshot/earshot/transcript/store"
)

// BenchmarkIndexNode measures one index node: b.N finals of 1,000 rooms
// already in EARSHOT_UTT (embedded server, R1), then the index role as
// internal/app starts it (durable consumer, the shipped lexicon's hits
// matched, pipeline/transcripts.Put into a transcript store with the
// service's default options) until every final was handed to the store and
// the store flushed. finals/s counts finals the store indexed; dropped
// counts finals the store's bounded queue refused (0 since the index role
// waits for the queue; with the non-blocking Store.Add a 20,000-final
// backlog lost 9,236 of them).
func BenchmarkIndexNode(b *testing.B) {
	srv := natstest.Start(b, "")
	nc := natstest.Service(b, srv)
	js, _ := jetstream.New(nc)
	ctx := testutil.Context(b, 10*time.Minute)
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: 8}); err != nil {
		b.Fatal(err)
	}
	publishFinals(b, js, b.N)
	st, err := store.Open(store.Options{Dir: b.TempDir(), Logger: testutil.Quiet()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close(context.Background())
	b.ResetTimer()
	t0 := time.Now()
	ix, err := StartIndex(ctx, js, IndexOptions{Matcher: shippedMatcher(b), Put: transcripts.Put(st, time.Now), Logger: testutil.Quiet()})
	if err != nil {
		b.Fatal(err)
	}
	for ix.Indexed.Load() < uint64(b.N) {
		if ctx.Err() != nil {
			b.Fatalf("%d of %d finals consumed", ix.Indexed.Load(), b.N)
		}
		time.Sleep(5 * time.Millisecond) // polling the consumer's progress
	}
	if err := st.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	el := time.Since(t0).Seconds()
	b.StopTimer()
	ix.Close()
	s := st.Stats()
	b.ReportMetric(float64(s.Indexed)/el, "finals/s")
	b.ReportMetric(float64(b.N)/el, "consumed/s")
	b.ReportMetric(float64(s.Dropped), "dropped")
}

// publishFinals stores n finals of 1,000 rooms in EARSHOT_UTT.
func publishFinals(tb testing.TB, js jetstream.JetStream, n int) {
	tb.Helper()
	texts := []string{
		"welcome everyone to the live room today we have a new cream for you",
		"this cream is made with natural ingredients and it cures diabetes in a week",
		"you can order it with the link below and the first hundred get a discount",
	}
	for i := range n {
		data, _ := json.Marshal(Message{Schema: SchemaVersion, Session: "s1", Utterance: uint64(i/1000 + 1), Final: true,
			Text: texts[i%3], StartMs: int64(i/1000) * 4000, EndMs: int64(i/1000)*4000 + 3500})
		m := nats.NewMsg(Subject(fmt.Sprintf("room%04d", i%1000)))
		m.Data = data
		if _, err := js.PublishMsgAsync(m); err != nil {
			tb.Fatal(err)
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(time.Minute):
		tb.Fatal("finals not stored within a minute")
	}
}
