package openai

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
)

// Word is one word of a verbose_json answer; times in seconds from the
// start of the sent audio.
type Word struct {
	Word  string  `json:"word"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
}

// Segment is one segment of a verbose_json answer.
type Segment struct {
	Text  string  `json:"text"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	// Words appear here in some servers (whisper.cpp) instead of at the top.
	Words []Word `json:"words"`
}

// Response is a verbose_json transcription.
type Response struct {
	Text     string    `json:"text"`
	Language string    `json:"language"`
	Segments []Segment `json:"segments"`
	Words    []Word    `json:"words"`
}

// Decode parses and checks a transcription answer.
func Decode(data []byte) (Response, error) {
	var r Response
	if err := json.Unmarshal(data, &r); err != nil {
		return Response{}, fmt.Errorf("openai: bad response %.80q: %w", data, err)
	}
	for i, w := range r.AllWords() {
		if err := checkSpan(w.Start, w.End); err != nil {
			return Response{}, fmt.Errorf("openai: word %d %q: %w", i, w.Word, err)
		}
	}
	for i, s := range r.Segments {
		if err := checkSpan(s.Start, s.End); err != nil {
			return Response{}, fmt.Errorf("openai: segment %d: %w", i, err)
		}
	}
	return r, nil
}

func checkSpan(start, end float64) error {
	switch {
	case math.IsNaN(start) || math.IsNaN(end) || math.IsInf(start, 0) || math.IsInf(end, 0):
		return errors.New("non-finite time")
	case start < 0 || end < start || end > 24*3600:
		return fmt.Errorf("bad times %v..%v", start, end)
	}
	return nil
}

// AllWords are the top-level words, or the segments' words when the
// server puts them there.
func (r Response) AllWords() []Word {
	if len(r.Words) > 0 {
		return r.Words
	}
	var out []Word
	for _, s := range r.Segments {
		out = append(out, s.Words...)
	}
	return out
}

// Transcript is the text, from segments when the top-level text is empty.
func (r Response) Transcript() string {
	t := strings.TrimSpace(r.Text)
	if t == "" {
		parts := make([]string, 0, len(r.Segments))
		for _, s := range r.Segments {
			parts = append(parts, strings.TrimSpace(s.Text))
		}
		t = strings.Join(parts, " ")
	}
	return strings.Join(strings.Fields(t), " ")
}
