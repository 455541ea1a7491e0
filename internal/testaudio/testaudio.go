package testaudio

import (
	"bytes"
	"math"
	"os"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/pion/webrtc/v4/pkg/media"
	"github.com/pion/webrtc/v4/pkg/media/oggreader"
)

// OggPackets reads an Ogg Opus file written one packet per page (as
// opusenc and ffmpeg write short test files), skipping the OpusTags page.
// Each sample's Duration comes from the granule positions (48 kHz).
func OggPackets(t testing.TB, path string) []media.Sample {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	r, _, err := oggreader.NewWith(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []media.Sample
	var last uint64
	for {
		page, hdr, err := r.ParseNextPage()
		if err != nil {
			return out
		}
		if bytes.HasPrefix(page, []byte("OpusTags")) {
			continue
		}
		n := hdr.GranulePosition - last
		last = hdr.GranulePosition
		out = append(out, media.Sample{Data: page, Duration: time.Duration(n) * time.Second / 48000})
	}
}

// ToneShare is the share, in [0, 1], of x's energy at freq Hz, for 16 kHz
// PCM (ingest.SampleRate): a single-bin DFT computed with Goertzel's
// recurrence. A clean sine at freq gives about 1.
func ToneShare(x []int16, freq float64) float64 {
	w := 2 * math.Pi * freq / ingest.SampleRate
	coeff := 2 * math.Cos(w)
	var s1, s2, total float64
	for _, v := range x {
		s0 := float64(v) + coeff*s1 - s2
		s2, s1 = s1, s0
		total += float64(v) * float64(v)
	}
	if total == 0 {
		return 0
	}
	return 2 * (s1*s1 + s2*s2 - coeff*s1*s2) / (float64(len(x)) * total)
}

// ToneAmplitude is the amplitude (full scale 1) of the freq Hz component
// of x sampled at rate Hz, by Goertzel's recurrence: a full-scale-0.5 sine
// at freq gives about 0.5, whatever else is in x.
func ToneAmplitude(x []int16, rate int, freq float64) float64 {
	if len(x) == 0 {
		return 0
	}
	w := 2 * math.Pi * freq / float64(rate)
	coeff := 2 * math.Cos(w)
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = float64(v)/32768+coeff*s1-s2, s1
	}
	return 2 * math.Hypot(s1-s2*math.Cos(w), s2*math.Sin(w)) / float64(len(x))
}
