package fakeasr

import (
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/net/websocket"
)

// Sherpa is a fake sherpa-onnx online WebSocket server: binary float32
// samples in, a JSON result after each frame, the final result and "Done!"
// after the client's "Done".
type Sherpa struct{ wsFake }

// NewSherpa starts the fake; Close it when done.
func NewSherpa(text string, b Behavior) *Sherpa {
	f := &Sherpa{wsFake{Text: text, Behavior: b}}
	f.start(f.handle)
	return f
}

func (f *Sherpa) handle(ws *websocket.Conn) {
	defer ws.Close()
	id := f.conn()
	words := strings.Fields(f.Text)
	samples, garbage := 0, false
	for {
		fr, err := receive(ws)
		if err != nil {
			return
		}
		msg := fr.data
		if fr.text {
			if string(msg) != "Done" {
				f.violation(fmt.Sprintf("unexpected text frame %q", msg))
				return
			}
			if f.Stall {
				stall()
				return
			}
			for _, r := range f.results(words, len(words), true) {
				_ = websocket.Message.Send(ws, r)
			}
			_ = websocket.Message.Send(ws, "Done!")
			return
		}
		if len(msg)%4 != 0 {
			f.violation("PCM frame not a multiple of 4 bytes")
		}
		samples += len(msg) / 4
		f.add(id, len(msg)/4)
		if f.Garbage != "" && !garbage {
			garbage = true
			_ = websocket.Message.Send(ws, f.Garbage)
		}
		got := heard(words, float64(samples)/16000)
		rs := f.results(words, len(got), false)
		_ = websocket.Message.Send(ws, rs[len(rs)-1])
	}
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
