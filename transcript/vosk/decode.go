package vosk

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Word is one word of a Vosk result; times in seconds from the start of
// the connection's audio.
type Word struct {
	Word  string  `json:"word"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Conf  float64 `json:"conf"`
}

// Message is one server message: a partial, or a result.
type Message struct {
	Partial *string `json:"partial"`
	Text    *string `json:"text"`
	Result  []Word  `json:"result"`
}

// IsResult reports whether m is a (final) result rather than a partial.
func (m Message) IsResult() bool { return m.Text != nil || m.Result != nil }

// Decode parses one server message and checks it.
func Decode(data []byte) (Message, error) {
	var m Message
	if err := json.Unmarshal(data, &m); err != nil {
		return Message{}, fmt.Errorf("vosk: bad message %.80q: %w", data, err)
	}
	if m.Partial == nil && !m.IsResult() {
		return Message{}, fmt.Errorf("vosk: message %.80q has neither partial nor text/result", data)
	}
	for i, w := range m.Result {
		if err := checkWord(w); err != nil {
			return Message{}, fmt.Errorf("vosk: result[%d]: %w", i, err)
		}
	}
	return m, nil
}

func checkWord(w Word) error {
	for _, v := range []float64{w.Start, w.End, w.Conf} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.New("non-finite number")
		}
	}
	switch {
	case strings.TrimSpace(w.Word) == "":
		return errors.New("empty word")
	case w.Start < 0 || w.End < w.Start || w.End > 24*3600:
		return fmt.Errorf("word %q: bad times %v..%v", w.Word, w.Start, w.End)
	}
	return nil
}

// ResultText is the text of a result, from its words when text is absent.
func (m Message) ResultText() string {
	if m.Text != nil {
		return strings.TrimSpace(*m.Text)
	}
	ws := make([]string, len(m.Result))
	for i, w := range m.Result {
		ws[i] = w.Word
	}
	return strings.Join(ws, " ")
}
