package segment

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
)

const ms = time.Millisecond

// signal builds test audio piece by piece.
type signal struct {
	pcm []int16
	rng *rand.Rand
}

func newSignal() *signal { return &signal{rng: rand.New(rand.NewPCG(1, 2))} }

func samples(d time.Duration) int { return int(d * ingest.SampleRate / time.Second) }

func (s *signal) silence(d time.Duration) *signal {
	s.pcm = append(s.pcm, make([]int16, samples(d))...)
	return s
}

// tone appends a 300 Hz tone at level dBFS (RMS).
func (s *signal) tone(d time.Duration, db float64) *signal {
	amp := math.Sqrt2 * 32768 * math.Pow(10, db/20)
	for i := range samples(d) {
		s.pcm = append(s.pcm, int16(amp*math.Sin(2*math.Pi*300*float64(i)/ingest.SampleRate)))
	}
	return s
}

// syllables appends tone bursts of on, separated by off of silence.
func (s *signal) syllables(d, on, off time.Duration, db float64) *signal {
	for t := time.Duration(0); t < d; t += on + off {
		s.tone(on, db).silence(off)
	}
	return s
}

// withNoise adds white noise at level dBFS (RMS) to everything so far.
func (s *signal) withNoise(db float64) *signal {
	sd := 32768 * math.Pow(10, db/20)
	for i, v := range s.pcm {
		x := float64(v) + s.rng.NormFloat64()*sd
		s.pcm[i] = int16(max(-32768, min(32767, x)))
	}
	return s
}

// segment feeds pcm in chunks of n samples and collects all events.
func segment(t *testing.T, pcm []int16, n int, cfg Config) []Event {
	t.Helper()
	seg, err := NewEnergy(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var ev []Event
	for i := 0; i < len(pcm); i += n {
		c := ingest.Chunk{Offset: time.Duration(i) * time.Second / ingest.SampleRate, PCM: pcm[i:min(i+n, len(pcm))]}
		ev = append(ev, seg.Push(c)...)
	}
	return append(ev, seg.Flush()...)
}

func near(a, b, tol time.Duration) bool { return a-b <= tol && b-a <= tol }

func checkEvents(t *testing.T, got, want []Event, tol time.Duration) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range got {
		if got[i].Kind != want[i].Kind || got[i].Cause != want[i].Cause || !near(got[i].At, want[i].At, tol) {
			t.Errorf("event %d: got %v, want %v (±%v)", i, got[i], want[i], tol)
		}
	}
}

// bursts: 1 s silence, 1 s speech, 1 s silence, 0.5 s speech, a 200 ms
// pause that must not split, 0.5 s speech, 1 s silence.
func bursts(db float64) *signal {
	return newSignal().silence(time.Second).tone(time.Second, db).silence(time.Second).
		tone(500*ms, db).silence(200*ms).tone(500*ms, db).silence(time.Second)
}

var burstEvents = []Event{
	{SpeechStart, 750 * ms, Onset}, {SpeechEnd, 2150 * ms, Pause},
	{SpeechStart, 2750 * ms, Onset}, {SpeechEnd, 4350 * ms, Pause},
}

func TestBursts(t *testing.T) {
	tests := []struct {
		name string
		sig  *signal
		tol  time.Duration
	}{
		{"clean", bursts(-20), 10 * ms},
		{"quiet", bursts(-45), 10 * ms},
		{"15 dB SNR white noise", bursts(-30).withNoise(-45), 30 * ms},
		{"20 dB SNR loud", bursts(-10).withNoise(-30), 30 * ms},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkEvents(t, segment(t, tc.sig.pcm, 320, Config{}), burstEvents, tc.tol)
		})
	}
}

func TestChunkSizeDoesNotMatter(t *testing.T) {
	pcm := bursts(-30).withNoise(-45).pcm
	want := segment(t, pcm, 320, Config{})
	for _, n := range []int{1, 7, 160, 161, 1600, len(pcm)} {
		if got := segment(t, pcm, n, Config{}); !slices.Equal(got, want) {
			t.Errorf("%d-sample chunks: %v, want %v", n, got, want)
		}
	}
}

func TestIgnoresClicksAndSilence(t *testing.T) {
	for name, sig := range map[string]*signal{
		"silence":      newSignal().silence(5 * time.Second),
		"noise only":   newSignal().silence(5 * time.Second).withNoise(-40),
		"20 ms clicks": newSignal().silence(time.Second).tone(20*ms, -10).silence(time.Second).tone(30*ms, -10).silence(time.Second),
		"below min":    newSignal().silence(time.Second).tone(time.Second, -70).silence(time.Second),
	} {
		if ev := segment(t, sig.pcm, 320, Config{}); len(ev) != 0 {
			t.Errorf("%s: got %v, want no events", name, ev)
		}
	}
}

func TestMaxUtteranceCuts(t *testing.T) {
	// 20 s of syllables: 250 ms on, 50 ms off, never a real pause.
	pcm := newSignal().silence(time.Second).syllables(20*time.Second, 250*ms, 50*ms, -20).silence(time.Second).pcm
	ev := segment(t, pcm, 320, Config{})
	if len(ev) != 4 {
		t.Fatalf("got %v, want start, max-length end, start, end", ev)
	}
	if ev[1].Cause != MaxLength || ev[1].At != ev[0].At+15*time.Second {
		t.Errorf("cut %v, want max-length at %v", ev[1], ev[0].At+15*time.Second)
	}
	if ev[2].At < ev[1].At || ev[2].At > ev[1].At+300*ms {
		t.Errorf("restart %v not just after the cut %v", ev[2], ev[1])
	}
	if ev[3].Cause != Pause || !near(ev[3].At, 21*time.Second+150*ms, 60*ms) {
		t.Errorf("end %v, want pause at ~21.15s", ev[3])
	}
}

func TestSteadyNoiseBecomesFloor(t *testing.T) {
	// Noise jumps from -70 to -35 dBFS and stays: it may look like speech
	// at first but must be ended within the floor window plus a pause.
	sig := newSignal().silence(2 * time.Second).withNoise(-70)
	loud := newSignal().silence(10 * time.Second).withNoise(-35)
	pcm := append(sig.pcm, loud.pcm...)
	ev := segment(t, pcm, 320, Config{})
	if len(ev) > 2 {
		t.Fatalf("got %v, want at most one utterance", ev)
	}
	if len(ev) == 2 && ev[1].At > 2*time.Second+3500*ms {
		t.Errorf("steady noise treated as speech until %v", ev[1].At)
	}
}

func TestFlushClosesUtterance(t *testing.T) {
	pcm := newSignal().silence(time.Second).tone(time.Second, -20).pcm
	ev := segment(t, pcm, 320, Config{})
	want := []Event{{SpeechStart, 750 * ms, Onset}, {SpeechEnd, 2 * time.Second, EndOfStream}}
	checkEvents(t, ev, want, 0)
}

func TestGapEndsUtterance(t *testing.T) {
	seg, _ := NewEnergy(Config{})
	tone := newSignal().tone(time.Second, -20).pcm
	var ev []Event
	ev = append(ev, seg.Push(ingest.Chunk{Offset: 0, PCM: make([]int16, 16000)})...)
	ev = append(ev, seg.Push(ingest.Chunk{Offset: time.Second, PCM: tone})...)
	// one second of audio lost, then more speech
	ev = append(ev, seg.Push(ingest.Chunk{Offset: 3 * time.Second, PCM: tone})...)
	ev = append(ev, seg.Flush()...)
	want := []Event{
		{SpeechStart, 750 * ms, Onset}, {SpeechEnd, 2150 * ms, Pause},
		{SpeechStart, 3 * time.Second, Onset}, {SpeechEnd, 4 * time.Second, EndOfStream},
	}
	checkEvents(t, ev, want, 0)
}

func TestConfigChecks(t *testing.T) {
	for _, c := range []Config{
		{Pause: -1}, {Hangover: time.Second}, {MaxUtterance: 100 * ms},
		{OnsetDB: 3, OffsetDB: 6}, {OffsetDB: -1},
	} {
		if _, err := NewEnergy(c); err == nil {
			t.Errorf("accepted %+v", c)
		}
	}
}
