package sherpa

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Result is one server result message.
type Result struct {
	Text       string    `json:"text"`
	Tokens     []string  `json:"tokens"`
	Timestamps []float64 `json:"timestamps"`
	Segment    int       `json:"segment"`
	StartTime  float64   `json:"start_time"`
	IsFinal    bool      `json:"is_final"`
}

// DoneMessage is the server's last message on a connection.
const DoneMessage = "Done!"

// Decode parses one result message and checks it.
func Decode(data []byte) (Result, error) {
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return Result{}, fmt.Errorf("sherpa: bad message %.80q: %w", data, err)
	}
	if r.Segment < 0 || r.Segment > 1_000_000 {
		return Result{}, fmt.Errorf("sherpa: segment %d out of range", r.Segment)
	}
	if bad(r.StartTime) {
		return Result{}, fmt.Errorf("sherpa: start_time %v out of range", r.StartTime)
	}
	if len(r.Timestamps) != 0 && len(r.Timestamps) != len(r.Tokens) {
		return Result{}, fmt.Errorf("sherpa: %d timestamps for %d tokens", len(r.Timestamps), len(r.Tokens))
	}
	for _, t := range r.Timestamps {
		if bad(t) {
			return Result{}, errors.New("sherpa: timestamp out of range")
		}
	}
	return r, nil
}

func bad(f float64) bool { return math.IsNaN(f) || math.IsInf(f, 0) || f < 0 || f > 24*3600 }

// wordSpan is one word built from tokens, times in seconds from the
// connection's first sample.
type wordSpan struct {
	text       string
	start, end float64
}

// words joins BPE tokens into words: a token starting with "▁" or a space
// starts a word; a CJK character is a word of its own.
func (r Result) words() []wordSpan {
	if len(r.Timestamps) != len(r.Tokens) {
		return nil
	}
	var out []wordSpan
	for i, tok := range r.Tokens {
		at := r.StartTime + r.Timestamps[i]
		t := strings.TrimLeft(tok, "▁ ")
		if t == "" {
			continue
		}
		first, _ := utf8.DecodeRuneInString(t)
		cjk := unicode.Is(unicode.Han, first)
		if len(out) == 0 || t != tok || cjk || lastCJK(out) {
			out = append(out, wordSpan{text: strings.ToLower(t), start: at, end: at})
			continue
		}
		w := &out[len(out)-1]
		w.text += strings.ToLower(t)
		w.end = at
	}
	for i := range out {
		if i+1 < len(out) {
			out[i].end = max(out[i].end, out[i+1].start)
		} else {
			out[i].end += 0.2 // a token time marks its start
		}
	}
	return out
}

func lastCJK(ws []wordSpan) bool {
	r, _ := utf8.DecodeLastRuneInString(ws[len(ws)-1].text)
	return unicode.Is(unicode.Han, r)
}
