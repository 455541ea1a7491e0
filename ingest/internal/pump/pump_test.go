package pump

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
)

// fakeClock advances only when slept on, plus a fixed processing cost
// per Now call to model a slow consumer.
type fakeClock struct {
	now   time.Time
	slept []time.Duration
}

func (f *fakeClock) Now() time.Time { return f.now }

func (f *fakeClock) Sleep(_ context.Context, d time.Duration) error {
	f.slept = append(f.slept, d)
	f.now = f.now.Add(d)
	return nil
}

func collect(t *testing.T, chunk time.Duration, realtime bool) (*Pump, *[]ingest.Chunk) {
	t.Helper()
	var got []ingest.Chunk
	p, err := New(func(c ingest.Chunk) error { got = append(got, c); return nil }, chunk, realtime)
	if err != nil {
		t.Fatal(err)
	}
	return p, &got
}

func TestChunksAndOffsets(t *testing.T) {
	p, got := collect(t, 20*time.Millisecond, false)
	ctx := context.Background()
	for _, n := range []int{100, 500, 1, 419} { // 1020 samples
		if err := p.Push(ctx, make([]int16, n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.Finish(ctx); err != nil {
		t.Fatal(err)
	}
	if len(*got) != 4 {
		t.Fatalf("got %d chunks, want 4", len(*got))
	}
	for i, c := range *got {
		if want := time.Duration(i) * 20 * time.Millisecond; c.Offset != want {
			t.Errorf("chunk %d offset %v, want %v", i, c.Offset, want)
		}
	}
	if last := (*got)[3]; len(last.PCM) != 60 || p.Sent() != last.End() {
		t.Errorf("last chunk %d samples, sent %v", len(last.PCM), p.Sent())
	}
}

// TestPacingDoesNotDrift: the consumer takes 5 ms per chunk; sleeping a
// fixed 20 ms per chunk would drift by 5 ms each time, pacing against the
// wall clock does not.
func TestPacingDoesNotDrift(t *testing.T) {
	clock := &fakeClock{now: time.Unix(1000, 0)}
	var p *Pump
	p, _ = New(func(ingest.Chunk) error { clock.now = clock.now.Add(5 * time.Millisecond); return nil }, 20*time.Millisecond, true)
	p.SetClock(clock)
	start := clock.now
	if err := p.Push(context.Background(), make([]int16, 16000)); err != nil {
		t.Fatal(err)
	}
	// The last chunk is due at 1 s and its emit takes 5 ms.
	if el := clock.now.Sub(start); el != time.Second+5*time.Millisecond {
		t.Errorf("elapsed %v, want 1.005s", el)
	}
	for _, d := range clock.slept[1:] {
		if d != 15*time.Millisecond {
			t.Fatalf("slept %v, want 15ms after each 5ms emit", d)
		}
	}
}

func TestStopsOnCancelAndEmitError(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	p, _ := collect(t, 0, false)
	if err := p.Push(ctx, make([]int16, 320)); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
	boom := errors.New("boom")
	p, _ = New(func(ingest.Chunk) error { return boom }, 0, false)
	if err := p.Push(context.Background(), make([]int16, 320)); !errors.Is(err, boom) {
		t.Errorf("got %v, want boom", err)
	}
}

func TestRejectsBadChunkLength(t *testing.T) {
	for _, d := range []time.Duration{-1, time.Microsecond, 11 * time.Second} {
		if _, err := New(nil, d, false); err == nil {
			t.Errorf("accepted %v", d)
		}
	}
}
