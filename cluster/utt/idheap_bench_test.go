package utt

import (
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// BenchmarkStoredHeap is what a stored hypothesis costs the embedded
// server's heap while it is inside the duplicate window, by the header
// its id travels in: Nats-Msg-Id (the stream records it for 2 minutes)
// or HeaderID (the stream does not). b.N messages over 20,000 rooms'
// subjects, published asynchronously; heap-B/msg and objects/msg are the
// growth of the live heap (after two collections) over the run, divided
// by b.N: with Nats-Msg-Id about 2 objects and 115 bytes more (docs/
// scaling.md, "Partials carry no Nats-Msg-Id"). -benchtime 300000x
// gives stable figures.
func BenchmarkStoredHeap(b *testing.B) {
	for _, header := range []string{nats.MsgIdHdr, HeaderID} {
		b.Run("id="+header, func(b *testing.B) {
			srv := natstest.Start(b, "")
			nc := natstest.Service(b, srv)
			js, _ := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(4096))
			ctx := testutil.Context(b, 5*time.Minute)
			if err := EnsureStreams(ctx, js, StreamOptions{Partitions: 8}); err != nil {
				b.Fatal(err)
			}
			const rooms = 20000
			body := []byte(`{"schema":1,"session":"load20000","utterance":12,"text":"this is a partial hypothesis of some words"}`)
			publish := func(i int, id bool) {
				m := nats.NewMsg(Subject(fmt.Sprintf("bg%06d", i%rooms)))
				m.Data = body
				if id {
					m.Header.Set(header, fmt.Sprintf("bg%06d:load20000:%d", i%rooms, i/rooms+1))
				}
				for {
					if _, err := js.PublishMsgAsync(m, jetstream.WithStallWait(time.Second)); err == nil {
						return
					}
					if ctx.Err() != nil {
						b.Fatal(ctx.Err())
					}
				}
			}
			for i := range rooms { // every room's subject is in the stream before the count starts
				publish(i, false)
			}
			<-js.PublishAsyncComplete()
			heap0, objects0 := liveHeap()
			b.ResetTimer()
			for i := range b.N {
				publish(i, true)
			}
			select {
			case <-js.PublishAsyncComplete():
			case <-ctx.Done():
				b.Fatal("not stored")
			}
			b.StopTimer()
			heap1, objects1 := liveHeap()
			b.ReportMetric(float64(int64(heap1)-int64(heap0))/float64(b.N), "heap-B/msg")
			b.ReportMetric(float64(int64(objects1)-int64(objects0))/float64(b.N), "objects/msg")
		})
	}
}

// liveHeap is the heap in use and its objects after two collections.
func liveHeap() (bytes, objects uint64) {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc, ms.HeapObjects
}
