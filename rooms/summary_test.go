package rooms

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
)

// chunksThenWait emits n 20 ms chunks, then holds the session until ctx
// ends or stop is closed (the publisher hangs up).
type chunksThenWait struct {
	n    int
	stop chan struct{}
}

func (c chunksThenWait) Describe() string { return "chunks" }

// SourceStats makes it an ingest.StatsProvider: one packet per chunk, one
// of them lost.
func (c chunksThenWait) SourceStats() ingest.SourceStats {
	return ingest.SourceStats{Packets: uint64(c.n), PacketsLost: 1, ConcealedMs: 20}
}
func (c chunksThenWait) Run(ctx context.Context, emit ingest.Emit) error {
	for i := range c.n {
		if err := emit(ingest.Chunk{Offset: time.Duration(i) * 20 * time.Millisecond, PCM: make([]int16, 320)}); err != nil {
			return err
		}
	}
	select {
	case <-ctx.Done():
	case <-c.stop:
	}
	return nil
}

// TestSummaryNeverDecreases: the registry's totals count every session
// once, live or ended, and keep counting a room's sessions after the room
// is removed, so that /metrics counters never go backwards.
func TestSummaryNeverDecreases(t *testing.T) {
	r, _ := newTestRegistry(t, testdouble.Silent{}, Options{})
	stops := map[string]chan struct{}{}
	for i := range 3 {
		id := fmt.Sprintf("s%d", i)
		stops[id] = make(chan struct{})
		if _, err := r.StartAudio(pipeline.Room{ID: id}, chunksThenWait{n: 5, stop: stops[id]}, true); err != nil {
			t.Fatal(err)
		}
	}
	testutil.WaitFor(t, 10*time.Second, "15 chunks counted", func() bool { return r.Summary().Total.Chunks == 15 })
	sum := r.Summary()
	if sum.States[StateLive] != 3 || sum.Sessions != 3 || sum.Total.PCMBytes != 15*640 {
		t.Fatalf("with 3 live rooms: %+v", sum)
	}
	want := ingest.SourceStats{Packets: 15, PacketsLost: 3, ConcealedMs: 60}
	if sum.Total.Source != want {
		t.Errorf("source totals %+v, want %+v", sum.Total.Source, want)
	}
	if st := state(r, "s2"); st.SourceStats == nil || st.SourceStats.PacketsLost != 1 || st.Total.Source.Packets != 5 {
		t.Errorf("room status source stats %+v, totals %+v", st.SourceStats, st.Total.Source)
	}

	close(stops["s0"]) // s0's publisher hangs up: its session ends
	testutil.WaitFor(t, 10*time.Second, "s0 ended", func() bool { return state(r, "s0").State == StateEnded })
	if err := r.Remove(context.Background(), "s1"); err != nil { // s1 is removed while live
		t.Fatal(err)
	}
	tests := []struct {
		name string
		got  func(Summary) uint64
		want uint64
	}{
		{"chunks", func(s Summary) uint64 { return s.Total.Chunks }, 15},
		{"pcm bytes", func(s Summary) uint64 { return s.Total.PCMBytes }, 15 * 640},
		{"heard ms", func(s Summary) uint64 { return uint64(s.Total.HeardMs) }, 3 * 100},
		{"sessions", func(s Summary) uint64 { return s.Sessions }, 3},
		{"packets lost", func(s Summary) uint64 { return s.Total.Source.PacketsLost }, 3},
		{"live rooms", func(s Summary) uint64 { return uint64(s.States[StateLive]) }, 1},
		{"ended rooms", func(s Summary) uint64 { return uint64(s.States[StateEnded]) }, 1},
	}
	sum = r.Summary()
	for _, tc := range tests {
		if got := tc.got(sum); got != tc.want {
			t.Errorf("%s after an end and a removal: %d, want %d (%+v)", tc.name, got, tc.want, sum)
		}
	}
	// A new session in the ended room adds to the totals.
	if _, err := r.StartAudio(pipeline.Room{ID: "s0"}, chunksThenWait{n: 2, stop: make(chan struct{})}, true); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "17 chunks counted", func() bool { return r.Summary().Total.Chunks == 17 })
	if sum := r.Summary(); sum.Sessions != 4 {
		t.Errorf("sessions %d, want 4", sum.Sessions)
	}
}
