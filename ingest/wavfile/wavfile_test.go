package wavfile

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
)

// runAll runs a Source over data and returns its chunks.
func runAll(t *testing.T, data []byte, opts Options) []ingest.Chunk {
	t.Helper()
	s, err := NewReader(bytes.NewReader(data), "test.wav", opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []ingest.Chunk
	if err := s.Run(context.Background(), func(c ingest.Chunk) error { got = append(got, c); return nil }); err != nil {
		t.Fatal(err)
	}
	return got
}

// joinChecked concatenates chunks, failing on gaps or overlaps.
func joinChecked(t *testing.T, chunks []ingest.Chunk) []int16 {
	t.Helper()
	var pcm []int16
	var next time.Duration
	for i, c := range chunks {
		if c.Offset != next {
			t.Fatalf("chunk %d at %v, want %v", i, c.Offset, next)
		}
		next = c.End()
		pcm = append(pcm, c.PCM...)
	}
	return pcm
}

func TestFormats(t *testing.T) {
	tests := []struct {
		name string
		spec wavSpec
	}{
		{"8-bit 8k mono", pcmSpec(8000, 1, 8)},
		{"16-bit 16k mono", pcmSpec(16000, 1, 16)},
		{"16-bit 44.1k stereo", pcmSpec(44100, 2, 16)},
		{"24-bit 48k stereo", pcmSpec(48000, 2, 24)},
		{"32-bit 96k mono", pcmSpec(96000, 1, 32)},
		{"16-bit 22050 5ch", pcmSpec(22050, 5, 16)},
		{"extensible 24-bit 48k", func() wavSpec { s := pcmSpec(48000, 2, 24); s.extensible = true; return s }()},
		{"JUNK before fmt", func() wavSpec { s := pcmSpec(16000, 1, 16); s.junkFirst = true; return s }()},
		{"LIST before data", func() wavSpec { s := pcmSpec(44100, 1, 16); s.listAfter = true; return s }()},
		{"streaming size", func() wavSpec { s := pcmSpec(48000, 1, 16); s.dataSize = 0xFFFFFFFF; return s }()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			sp := tc.spec
			data := sp.build(encodeTone(sp.rate, sp.channels, sp.bits, 1000, 0.5, sp.rate)) // 1 s
			pcm := joinChecked(t, runAll(t, data, Options{}))
			if len(pcm) != ingest.SampleRate {
				t.Fatalf("%d samples, want %d", len(pcm), ingest.SampleRate)
			}
			if a := testaudio.ToneAmplitude(pcm[2000:14000], ingest.SampleRate, 1000); math.Abs(20*math.Log10(a/0.5)) > 0.1 {
				t.Errorf("1 kHz amplitude %.4f, want 0.5", a)
			}
		})
	}
}

func TestPassthroughIsBitExact(t *testing.T) {
	var raw []byte
	want := make([]int16, 1000)
	for i := range want {
		want[i] = int16(i*37 - 18000)
		raw = binary.LittleEndian.AppendUint16(raw, uint16(want[i]))
	}
	pcm := joinChecked(t, runAll(t, pcmSpec(16000, 1, 16).build(raw), Options{Chunk: 100 * time.Millisecond}))
	if !slices.Equal(pcm, want) {
		t.Error("16 kHz mono 16-bit samples changed")
	}
}

func TestChunkLengths(t *testing.T) {
	data := pcmSpec(16000, 1, 16).build(make([]byte, 2*16000*3/4)) // 750 ms
	got := runAll(t, data, Options{Chunk: 100 * time.Millisecond})
	if len(got) != 8 || len(got[0].PCM) != 1600 || len(got[7].PCM) != 800 {
		t.Errorf("got %d chunks (first %d, last %d samples), want 8 of 1600 with a last of 800",
			len(got), len(got[0].PCM), len(got[len(got)-1].PCM))
	}
}

func TestRejects(t *testing.T) {
	tone := encodeTone(16000, 1, 16, 1000, 0.5, 160)
	good := pcmSpec(16000, 1, 16)
	with := func(f func(*wavSpec)) []byte { s := good; f(&s); return s.build(tone) }
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty file", nil, ErrEmpty},
		{"short", []byte("RIFF\x00"), ErrNotWAV},
		{"garbage", bytes.Repeat([]byte("garbage!"), 10), ErrNotWAV},
		{"not WAVE", append([]byte("RIFF\x04\x00\x00\x00AVI "), make([]byte, 20)...), ErrNotWAV},
		{"RIFX", append([]byte("RIFX\x04\x00\x00\x00WAVE"), make([]byte, 20)...), ErrUnsupported},
		{"float", with(func(s *wavSpec) { s.tag, s.bits = 3, 32 }), ErrUnsupported},
		{"extensible float", with(func(s *wavSpec) { s.tag, s.bits, s.extensible = 3, 32, true }), ErrUnsupported},
		{"mu-law", with(func(s *wavSpec) { s.tag, s.bits = 7, 8 }), ErrUnsupported},
		{"unknown tag", with(func(s *wavSpec) { s.tag = 0x1234 }), ErrUnsupported},
		{"zero channels", with(func(s *wavSpec) { s.channels = 0 }), ErrMalformed},
		{"too many channels", with(func(s *wavSpec) { s.channels, s.blockAlign = 100, 200 }), ErrUnsupported},
		{"zero rate", with(func(s *wavSpec) { s.rate = 0 }), ErrUnsupported},
		{"12-bit", with(func(s *wavSpec) { s.bits, s.blockAlign = 12, 2 }), ErrUnsupported},
		{"bad block align", with(func(s *wavSpec) { s.blockAlign = 3 }), ErrMalformed},
		{"data too long", with(func(s *wavSpec) { s.dataSize = 1 << 20 }), ErrTruncated},
		{"no samples", good.build(nil), ErrEmpty},
		{"half a frame", pcmSpec(16000, 2, 16).build([]byte{1, 2}), ErrEmpty},
		{"cut in fmt", good.build(tone)[:30], ErrTruncated},
		{"no data chunk", good.build(tone)[:36], ErrMalformed},
		{"data before fmt", []byte("RIFF\x14\x00\x00\x00WAVEdata\x02\x00\x00\x00\x01\x02"), ErrMalformed},
		{"huge chunk", append([]byte("RIFF\x20\x00\x00\x00WAVELIST\xff\xff\xff\x7f"), make([]byte, 16)...), ErrTruncated},
		{"huge fmt", append([]byte("RIFF\x20\x00\x00\x00WAVEfmt \xff\xff\xff\xff"), make([]byte, 16)...), ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewReader(bytes.NewReader(tc.data), "x.wav", Options{})
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			t.Log(err)
		})
	}
}

func TestOpenFileAndRunOnce(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.wav")
	if err := os.WriteFile(path, pcmSpec(44100, 2, 16).build(encodeTone(44100, 2, 16, 500, 0.3, 4410)), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Describe(); got != "wav:"+path {
		t.Errorf("Describe = %q", got)
	}
	if f := s.Format(); f.Frames != 4410 || f.Duration() != 100*time.Millisecond {
		t.Errorf("Format = %v", f)
	}
	n := 0
	if err := s.Run(context.Background(), func(c ingest.Chunk) error { n += len(c.PCM); return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1600 {
		t.Errorf("%d samples, want 1600", n)
	}
	if err := s.Run(context.Background(), func(ingest.Chunk) error { return nil }); err == nil {
		t.Error("second Run succeeded")
	}
	if _, err := Open(filepath.Join(t.TempDir(), "missing.wav"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: %v", err)
	}
}

func TestEmitErrorStops(t *testing.T) {
	boom := errors.New("boom")
	s, _ := NewReader(bytes.NewReader(pcmSpec(16000, 1, 16).build(make([]byte, 32000))), "x", Options{})
	calls := 0
	err := s.Run(context.Background(), func(ingest.Chunk) error { calls++; return boom })
	if !errors.Is(err, boom) || calls != 1 {
		t.Errorf("err %v after %d calls", err, calls)
	}
}

func TestRealtimePacing(t *testing.T) {
	data := pcmSpec(16000, 1, 16).build(make([]byte, 2*16000*3/10)) // 300 ms
	s, _ := NewReader(bytes.NewReader(data), "x", Options{Realtime: true, Chunk: 50 * time.Millisecond})
	start := time.Now()
	var late []time.Duration // how far behind stream time each chunk arrived
	err := s.Run(context.Background(), func(c ingest.Chunk) error {
		late = append(late, time.Since(start)-c.End())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 290*time.Millisecond {
		t.Errorf("300 ms of audio took %v", el)
	}
	for i, d := range late {
		if d < -time.Millisecond || d > 100*time.Millisecond {
			t.Errorf("chunk %d arrived %v after its end", i, d)
		}
	}
}

func TestCancelIsPrompt(t *testing.T) {
	data := pcmSpec(16000, 1, 16).build(make([]byte, 2*16000*10)) // 10 s
	s, _ := NewReader(bytes.NewReader(data), "x", Options{Realtime: true})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := s.Run(ctx, func(ingest.Chunk) error { return nil })
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want deadline exceeded", err)
	}
	if el := time.Since(start); el > 300*time.Millisecond {
		t.Errorf("Run returned %v after a 100 ms deadline", el)
	}
}
