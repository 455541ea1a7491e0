package segment

import (
	"encoding/binary"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

// synth speaks text with flite and returns it as 16 kHz mono samples, or
// skips the test when flite or sox is missing.
func synth(t *testing.T, text string) []int16 {
	t.Helper()
	testutil.NeedTool(t, "flite")
	testutil.NeedTool(t, "sox")
	dir := t.TempDir()
	wav, raw := filepath.Join(dir, "f.wav"), filepath.Join(dir, "f.raw")
	if out, err := exec.Command("flite", "-voice", "slt", "-t", text, "-o", wav).CombinedOutput(); err != nil {
		t.Fatalf("flite: %v: %s", err, out)
	}
	if out, err := exec.Command("sox", wav, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed", "-t", "raw", raw).CombinedOutput(); err != nil {
		t.Fatalf("sox: %v: %s", err, out)
	}
	b, err := os.ReadFile(raw)
	if err != nil {
		t.Fatal(err)
	}
	pcm := make([]int16, len(b)/2)
	for i := range pcm {
		pcm[i] = int16(binary.LittleEndian.Uint16(b[2*i:]))
	}
	return pcm
}

// TestRealSpeech: two synthesized sentences 1.2 s apart, clean and with
// white noise at about 15 dB SNR, give two utterances that cover them.
func TestRealSpeech(t *testing.T) {
	a := synth(t, "please buy this amazing product today")
	b := synth(t, "the price is the lowest ever")
	sig := newSignal().silence(time.Second)
	sig.pcm = append(sig.pcm, a...)
	sig.silence(1200 * ms)
	bOffset := len(sig.pcm)
	sig.pcm = append(sig.pcm, b...)
	sig.silence(time.Second)
	aFrom, aTo := voiced(a, 16000)
	bFrom, bTo := voiced(b, bOffset)

	clean := append([]int16(nil), sig.pcm...)
	noisy := sig.withNoise(speechLevel(a) - 15).pcm
	for name, pcm := range map[string][]int16{"clean": clean, "15 dB SNR": noisy} {
		ev := segment(t, pcm, 320, Config{})
		t.Logf("%s: %v (speech %v..%v, %v..%v)", name, ev, aFrom, aTo, bFrom, bTo)
		if len(ev) != 4 {
			t.Errorf("%s: got %v, want two utterances", name, ev)
			continue
		}
		// Soft consonants at the edges may drown in noise: allow 100 ms.
		if ev[0].At > aFrom || ev[1].At < aTo-100*ms || ev[1].At > bFrom {
			t.Errorf("%s: first utterance %v..%v does not cover %v..%v", name, ev[0].At, ev[1].At, aFrom, aTo)
		}
		if ev[2].At > bFrom || ev[2].At < aTo || ev[3].At < bTo-100*ms {
			t.Errorf("%s: second utterance %v..%v does not cover %v..%v", name, ev[2].At, ev[3].At, bFrom, bTo)
		}
	}
}

// voiced is the span of frames within 40 dB of the loudest, for clean
// speech placed at sample offset off.
func voiced(pcm []int16, off int) (from, to time.Duration) {
	peak := -200.0
	for i := 0; i+frameLen <= len(pcm); i += frameLen {
		peak = max(peak, level(pcm[i:i+frameLen]))
	}
	first, last := -1, 0
	for i := 0; i+frameLen <= len(pcm); i += frameLen {
		if level(pcm[i:i+frameLen]) > peak-40 {
			if first < 0 {
				first = i
			}
			last = i + frameLen
		}
	}
	at := func(n int) time.Duration { return time.Duration(off+n) * time.Second / 16000 }
	return at(first), at(last)
}

// speechLevel is the RMS level in dBFS of the louder half of 10 ms frames.
func speechLevel(pcm []int16) float64 {
	var sum float64
	n := 0
	for i := 0; i+frameLen <= len(pcm); i += frameLen {
		if db := level(pcm[i : i+frameLen]); db > -50 {
			sum += db
			n++
		}
	}
	return sum / float64(max(n, 1))
}
