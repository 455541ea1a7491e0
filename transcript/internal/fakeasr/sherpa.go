package fakeasr

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Sherpa is a fake sherpa-onnx online WebSocket server: binary float32
// samples in, a JSON result after each frame, the final result and "Done!"
// after the client's "Done".
type Sherpa struct{ wsFake }

// NewSherpa starts the fake; Close it when done.
func NewSherpa(text string, b Behavior) *Sherpa {
	f := &Sherpa{wsFake{Text: text, Behavior: b}}
	f.start(4, func() session { return &sherpaSession{f: f, words: strings.Fields(text)} })
	return f
}

type sherpaSession struct {
	f     *Sherpa
	words []string
}

func (s *sherpaSession) control(msg []byte, _ int) (end bool, err error) {
	if string(msg) != "Done" {
		return false, fmt.Errorf("unexpected text frame %q", msg)
	}
	return true, nil
}

func (s *sherpaSession) final() []string {
	return append(s.f.results(s.words, len(s.words), true), "Done!")
}

func (s *sherpaSession) answer(samples int) []string {
	got := heard(s.words, float64(samples)/16000)
	rs := s.f.results(s.words, len(got), false)
	return rs[len(rs)-1:]
}

// results renders the first n words as the server's segments: segment 0
// up to SplitAt words, segment 1 after.
func (f *Sherpa) results(words []string, n int, final bool) []string {
	cut := n
	if f.SplitAt > 0 && n > f.SplitAt {
		cut = f.SplitAt
	}
	out := []string{sherpaResult(words[:cut], 0, 0, final || cut < n)}
	if cut < n {
		out = append(out, sherpaResult(words[cut:n], 1, 0.3*float64(cut), final))
	}
	return out
}

// sherpaResult mirrors OnlineRecognizerResult::AsJsonString: upper-case
// BPE tokens with "▁" word starts, timestamps relative to start_time.
func sherpaResult(words []string, segment int, start float64, final bool) string {
	var toks []string
	var ts []float64
	for i, w := range words {
		w = strings.ToUpper(w)
		at := 0.3 * float64(i)
		if len(w) > 3 { // split long words into two pieces
			toks, ts = append(toks, "▁"+w[:2], w[2:]), append(ts, at, at+0.1)
			continue
		}
		toks, ts = append(toks, "▁"+w), append(ts, at)
	}
	b, _ := json.Marshal(map[string]any{
		"text": strings.ToUpper(strings.Join(words, " ")), "tokens": nonNil(toks), "timestamps": nonNilF(ts),
		"ys_probs": []float64{}, "lm_probs": []float64{}, "context_scores": []float64{},
		"segment": segment, "words": []int{}, "start_time": start, "is_final": final,
	})
	return string(b)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func nonNilF(s []float64) []float64 {
	if s == nil {
		return []float64{}
	}
	return s
}
