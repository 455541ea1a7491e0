package sherpa

import (
	"encoding/binary"
	"errors"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/wsasr"
)

// protocol is sherpa-onnx's side of wsasr: float32 frames, a result per
// segment, "Done" to finish and "Done!" as the server's last word.
type protocol struct{}

func (protocol) Name() string  { return "sherpa" }
func (protocol) Hello() string { return "" }

func (protocol) Encode(pcm []int16) []byte {
	buf := make([]byte, 4*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint32(buf[4*i:], math.Float32bits(float32(v)/32768))
	}
	return buf
}

func (protocol) NewUtterance() wsasr.Utterance { return utterance{} }

// utterance is the latest result of each server segment.
type utterance map[int]Result

// Update records one result; "Done!" before "Done" is ignored.
func (u utterance) Update(b []byte) error {
	_, _, err := u.Final(b)
	return err
}

func (u utterance) End() string { return "Done" }

// Final records one result; only "Done!" completes the utterance.
func (u utterance) Final(b []byte) (got, last bool, err error) {
	if string(b) == DoneMessage {
		return true, true, nil
	}
	r, err := Decode(b)
	if err != nil {
		return false, false, err
	}
	u[r.Segment] = r
	return false, false, nil
}

// Closed is an error: the server must say "Done!" before closing.
func (u utterance) Closed() error { return errors.New(`sherpa: server closed before "Done!"`) }

func (u utterance) ordered() []Result {
	keys := make([]int, 0, len(u))
	for k := range u {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	out := make([]Result, len(keys))
	for i, k := range keys {
		out[i] = u[k]
	}
	return out
}

func (u utterance) Text() string {
	var parts []string
	for _, r := range u.ordered() {
		if t := strings.TrimSpace(r.Text); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.ToLower(strings.Join(parts, " "))
}

func (u utterance) Words(start time.Duration) []transcript.Word {
	var out []transcript.Word
	for _, r := range u.ordered() {
		for _, w := range r.words() {
			out = append(out, transcript.Word{Text: w.text,
				Start: start + secs(w.start), End: start + secs(w.end)})
		}
	}
	return out
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
