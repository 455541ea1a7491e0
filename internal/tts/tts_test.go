package tts

import (
	"errors"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

func TestSynthesize(t *testing.T) {
	for _, v := range Voices() {
		t.Run(string(v), func(t *testing.T) {
			testutil.Need(t, Check(v))
			out := filepath.Join(t.TempDir(), "out.wav")
			if err := Synthesize(testutil.Context(t, time.Minute), v, "this cream cures cancer", out); err != nil {
				t.Fatal(err)
			}
			pcm, err := ReadPCM(out)
			if err != nil {
				t.Fatal(err)
			}
			d := Duration(len(pcm))
			if d < 500*time.Millisecond || d > 5*time.Second {
				t.Errorf("duration %v, want 0.5s..5s", d)
			}
			if rms(pcm) < 0.01 {
				t.Errorf("rms %.4f: silent output", rms(pcm))
			}
		})
	}
}

func TestCheckUnknownVoice(t *testing.T) {
	for _, v := range []Voice{"", "flite", "flite:nobody", "festival:kal", "say:alex"} {
		if err := Check(v); !errors.Is(err, ErrUnknownVoice) {
			t.Errorf("Check(%q) = %v, want ErrUnknownVoice", v, err)
		}
		if Available(v) {
			t.Errorf("Available(%q) = true", v)
		}
	}
}

func tone(n int, amp float64) []int16 {
	pcm := make([]int16, n)
	for i := range pcm {
		pcm[i] = int16(amp * 32767 * math.Sin(2*math.Pi*440*float64(i)/SampleRate))
	}
	return pcm
}

func TestWAVRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.wav")
	want := tone(1234, 0.5)
	if err := WritePCM(path, want); err != nil {
		t.Fatal(err)
	}
	got, err := ReadPCM(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) || got[100] != want[100] {
		t.Fatalf("round trip: %d samples, want %d", len(got), len(want))
	}
	for _, bad := range [][]byte{nil, []byte("RIFF....WAVE"), []byte("not a wav file at all")} {
		if _, err := parseWAV(bad); !errors.Is(err, ErrFormat) {
			t.Errorf("parseWAV(%q) = %v, want ErrFormat", bad, err)
		}
	}
}

func TestConcat(t *testing.T) {
	testutil.NeedTool(t, "sox")
	dir := t.TempDir()
	a := filepath.Join(dir, "a.wav")
	if err := WritePCM(a, tone(8000, 0.3)); err != nil {
		t.Fatal(err)
	}
	// b is 8 kHz stereo: Concat must convert it.
	b := filepath.Join(dir, "b.wav")
	c := command{ctx: testutil.Context(t, time.Minute), name: "sox", args: []string{"-n", "-r", "8000", "-c", "2", b, "synth", "0.25", "sine", "300"}}
	if err := c.run(); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out.wav")
	spans, err := Concat(testutil.Context(t, time.Minute), out, Part{Path: a}, Part{Silence: time.Second}, Part{Path: b})
	if err != nil {
		t.Fatal(err)
	}
	ms := time.Millisecond
	want := []Span{{0, 500 * ms}, {500 * ms, 1500 * ms}, {1500 * ms, 1750 * ms}}
	for i := range want {
		if spans[i] != want[i] {
			t.Errorf("span %d = %v, want %v", i, spans[i], want[i])
		}
	}
	pcm, err := ReadPCM(out)
	if err != nil {
		t.Fatal(err)
	}
	if Duration(len(pcm)) != 1750*ms {
		t.Errorf("output %v long, want 1.75s", Duration(len(pcm)))
	}
	if _, err := Concat(testutil.Context(t, time.Minute), out, Part{Path: filepath.Join(dir, "missing.wav")}); err == nil {
		t.Error("Concat of a missing file succeeded")
	}
}

func TestAddNoise(t *testing.T) {
	testutil.NeedTool(t, "sox")
	dir := t.TempDir()
	in := filepath.Join(dir, "in.wav")
	clean := tone(16000, 0.3)
	if err := WritePCM(in, clean); err != nil {
		t.Fatal(err)
	}
	for _, snr := range []float64{10, 20} {
		out := filepath.Join(dir, "out.wav")
		if err := AddNoise(testutil.Context(t, time.Minute), in, out, snr); err != nil {
			t.Fatal(err)
		}
		noisy, err := ReadPCM(out)
		if err != nil {
			t.Fatal(err)
		}
		if len(noisy) != len(clean) {
			t.Fatalf("length %d, want %d", len(noisy), len(clean))
		}
		diff := make([]int16, len(clean))
		for i := range clean {
			diff[i] = noisy[i] - clean[i]
		}
		got := 20 * math.Log10(rms(clean)/rms(diff))
		if math.Abs(got-snr) > 1 {
			t.Errorf("SNR %.1f dB, want %.0f±1", got, snr)
		}
	}
}
