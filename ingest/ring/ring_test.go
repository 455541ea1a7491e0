package ring

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/go-audio/wav"

	"github.com/earshot/earshot/ingest"
)

const ms = time.Millisecond

// ramp returns n samples counting up from first (mod 2^16): each sample
// says where it came from.
func ramp(first, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(first + i)
	}
	return out
}

// fill writes 20 ms chunks of ramp covering [0, d).
func fill(t testing.TB, b *Buffer, d time.Duration) {
	t.Helper()
	for off := 0; off < int(toSamples(d)); off += 320 {
		if err := b.Write(ingest.Chunk{Offset: toDuration(int64(off)), PCM: ramp(off, 320)}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestClip(t *testing.T) {
	b, _ := New(time.Second)
	fill(t, b, 2500*ms) // wraps twice; keeps 1.5 s..2.5 s
	if from, to := b.Span(); from != 1500*ms || to != 2500*ms {
		t.Fatalf("Span = %v..%v", from, to)
	}
	tests := []struct {
		from, to time.Duration
		want     error
	}{
		{1500 * ms, 2500 * ms, nil},
		{1700 * ms, 1900 * ms, nil},
		{2 * time.Second, 2 * time.Second, nil},
		{1499 * ms, 2 * time.Second, ErrEvicted},
		{2 * time.Second, 2501 * ms, ErrNotYet},
	}
	for _, tc := range tests {
		got, err := b.Clip(tc.from, tc.to)
		if !errors.Is(err, tc.want) {
			t.Errorf("Clip(%v, %v): %v, want %v", tc.from, tc.to, err, tc.want)
			continue
		}
		if err == nil && !slices.Equal(got, ramp(int(toSamples(tc.from)), int(toSamples(tc.to-tc.from)))) {
			t.Errorf("Clip(%v, %v): wrong samples", tc.from, tc.to)
		}
	}
	if _, err := b.Clip(2*time.Second, time.Second); err == nil {
		t.Error("accepted a reversed range")
	}
}

func TestGaps(t *testing.T) {
	b, _ := New(time.Second)
	b.Write(ingest.Chunk{Offset: 10 * time.Second, PCM: ramp(1, 160)}) // stream starts late
	b.Write(ingest.Chunk{Offset: 10*time.Second + 20*ms, PCM: ramp(1, 160)})
	got, err := b.Clip(10*time.Second, 10*time.Second+30*ms)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append(ramp(1, 160), make([]int16, 160)...), ramp(1, 160)...)
	if !slices.Equal(got, want) {
		t.Error("gap not filled with silence")
	}
	if err := b.Write(ingest.Chunk{Offset: 10 * time.Second, PCM: ramp(0, 10)}); !errors.Is(err, ErrBackwards) {
		t.Errorf("overlap: %v", err)
	}
	b.Write(ingest.Chunk{Offset: time.Minute, PCM: ramp(5, 160)}) // gap beyond capacity
	if from, to := b.Span(); from != time.Minute || to != time.Minute+10*ms {
		t.Errorf("after a long gap Span = %v..%v", from, to)
	}
}

func TestChunkLargerThanCapacity(t *testing.T) {
	b, _ := New(10 * ms)
	b.Write(ingest.Chunk{PCM: ramp(0, 1000)})
	got, err := b.Clip(toDuration(840), toDuration(1000))
	if err != nil || !slices.Equal(got, ramp(840, 160)) {
		t.Errorf("got %v, %v", len(got), err)
	}
}

func TestConcurrentReaders(t *testing.T) {
	b, _ := New(time.Second)
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				from, to := b.Span()
				if to-from < 100*ms {
					continue
				}
				clip, err := b.Clip(to-100*ms, to)
				if err != nil {
					t.Error(err)
					return
				}
				if first := int(toSamples(to - 100*ms)); !slices.Equal(clip, ramp(first, len(clip))) {
					t.Error("torn read")
					return
				}
			}
		}()
	}
	fill(t, b, 3*time.Second)
	close(stop)
	wg.Wait()
}

func TestWAVRoundTrip(t *testing.T) {
	pcm := ramp(-100, 1234)
	path := filepath.Join(t.TempDir(), "clip.wav")
	if err := SaveWAV(path, pcm); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := wav.NewDecoder(bytes.NewReader(data))
	buf, err := d.FullPCMBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if d.SampleRate != 16000 || d.NumChans != 1 || d.BitDepth != 16 || len(buf.Data) != len(pcm) {
		t.Fatalf("decoded %d Hz %d ch %d-bit, %d samples", d.SampleRate, d.NumChans, d.BitDepth, len(buf.Data))
	}
	for i, v := range buf.Data {
		if int16(v) != pcm[i] {
			t.Fatalf("sample %d = %d, want %d", i, v, pcm[i])
		}
	}
	if err := SaveWAV(filepath.Join(t.TempDir(), "no", "such", "dir.wav"), pcm); err == nil {
		t.Error("saved into a missing directory")
	}
}

func TestNewRejects(t *testing.T) {
	for _, d := range []time.Duration{0, -time.Second, 25 * time.Hour} {
		if _, err := New(d); err == nil {
			t.Errorf("New(%v) accepted", d)
		}
	}
}

func BenchmarkWrite20ms(b *testing.B) {
	r, _ := New(30 * time.Second)
	pcm := ramp(0, 320)
	b.ReportAllocs()
	off := time.Duration(0)
	for b.Loop() {
		r.Write(ingest.Chunk{Offset: off, PCM: pcm})
		off += 20 * ms
	}
}

func BenchmarkClip5s(b *testing.B) {
	r, _ := New(30 * time.Second)
	fill(b, r, 40*time.Second)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Clip(32*time.Second, 37*time.Second); err != nil {
			b.Fatal(err)
		}
	}
}
