package fakeasr

import (
	"encoding/json"
	"fmt"
	"strings"
)

// Vosk is a fake Vosk server (alphacep/vosk-server asr_server.py protocol):
// it answers every audio frame with a partial (or a result at a SplitAt
// endpoint) and {"eof" : 1} with the final result, then closes.
type Vosk struct{ wsFake }

// NewVosk starts the fake; Close it when done.
func NewVosk(text string, b Behavior) *Vosk {
	f := &Vosk{wsFake{Text: text, Behavior: b}}
	f.start(2, func() session { return &voskSession{f: &f.wsFake, words: strings.Fields(text)} })
	return f
}

type voskSession struct {
	f     *wsFake
	words []string
	sent  int // words already in results
}

func (s *voskSession) control(msg []byte, samples int) (end bool, err error) {
	var m struct {
		Config *struct {
			SampleRate float64 `json:"sample_rate"`
		} `json:"config"`
		EOF *int `json:"eof"`
	}
	switch {
	case json.Unmarshal(msg, &m) != nil:
		return false, fmt.Errorf("text frame is not JSON: %q", msg)
	case m.Config != nil:
		if m.Config.SampleRate != 16000 || samples > 0 {
			s.f.violation(fmt.Sprintf("config %q", msg)) // noted; the connection goes on
		}
		return false, nil
	case m.EOF != nil:
		return true, nil
	}
	return false, fmt.Errorf("unexpected text frame %q", msg)
}

func (s *voskSession) final() []string {
	return []string{voskResult(s.words[s.sent:], float64(s.sent)*0.3)}
}

func (s *voskSession) answer(samples int) []string {
	got := heard(s.words, float64(samples)/16000)
	if s.f.SplitAt > 0 && s.sent == 0 && len(got) >= s.f.SplitAt {
		s.sent = s.f.SplitAt
		return []string{voskResult(s.words[:s.f.SplitAt], 0)}
	}
	p, _ := json.MarshalIndent(map[string]string{"partial": strings.Join(got[min(s.sent, len(got)):], " ")}, "", "  ")
	return []string{string(p)}
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
