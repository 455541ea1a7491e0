package fakeasr

import (
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/net/websocket"
)

// Vosk is a fake Vosk server (alphacep/vosk-server asr_server.py protocol):
// it answers every audio frame with a partial (or a result at a SplitAt
// endpoint) and {"eof" : 1} with the final result, then closes.
type Vosk struct{ wsFake }

// NewVosk starts the fake; Close it when done.
func NewVosk(text string, b Behavior) *Vosk {
	f := &Vosk{wsFake{Text: text, Behavior: b}}
	f.start(f.handle)
	return f
}

func (f *Vosk) handle(ws *websocket.Conn) {
	defer ws.Close()
	id := f.conn()
	words := strings.Fields(f.Text)
	samples, sent, garbage := 0, 0, false // sent: words already in results
	for {
		fr, err := receive(ws)
		if err != nil {
			return
		}
		msg := fr.data
		if fr.text {
			var m struct {
				Config *struct {
					SampleRate float64 `json:"sample_rate"`
				} `json:"config"`
				EOF *int `json:"eof"`
			}
			if err := json.Unmarshal(msg, &m); err != nil {
				f.violation(fmt.Sprintf("text frame is not JSON: %q", msg))
				return
			}
			if m.Config != nil {
				if m.Config.SampleRate != 16000 || samples > 0 {
					f.violation(fmt.Sprintf("config %q", msg))
				}
				continue
			}
			if m.EOF != nil {
				if f.Stall {
					stall()
					return
				}
				_ = websocket.Message.Send(ws, voskResult(words[sent:], float64(sent)*0.3))
				return
			}
			f.violation(fmt.Sprintf("unexpected text frame %q", msg))
			return
		}
		if len(msg)%2 != 0 {
			f.violation("odd-length PCM frame")
		}
		samples += len(msg) / 2
		f.add(id, len(msg)/2)
		if f.Garbage != "" && !garbage {
			garbage = true
			_ = websocket.Message.Send(ws, f.Garbage)
		}
		got := heard(words, float64(samples)/16000)
		if f.SplitAt > 0 && sent == 0 && len(got) >= f.SplitAt {
			_ = websocket.Message.Send(ws, voskResult(words[:f.SplitAt], 0))
			sent = f.SplitAt
			continue
		}
		p, _ := json.MarshalIndent(map[string]string{"partial": strings.Join(got[min(sent, len(got)):], " ")}, "", "  ")
		_ = websocket.Message.Send(ws, string(p))
	}
}

// voskResult is a result message as Vosk prints it: indented JSON with
// words and times relative to the connection's first sample.
func voskResult(words []string, at float64) string {
	type w struct {
		Conf  float64 `json:"conf"`
		End   float64 `json:"end"`
		Start float64 `json:"start"`
		Word  string  `json:"word"`
	}
	res := make([]w, len(words))
	for i, x := range words {
		s := at + 0.3*float64(i)
		res[i] = w{Conf: 1, Start: s, End: s + 0.3, Word: x}
	}
	b, _ := json.MarshalIndent(map[string]any{"result": res, "text": strings.Join(words, " ")}, "", "  ")
	return string(b)
}
