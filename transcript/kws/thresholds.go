package kws

import (
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
)

// Thresholds assigns a keyword-search threshold by phone count. A phrase
// of p phones takes the first band with p <= MaxPhones; phrases longer than
// the last band take the last band's threshold. Longer phrases need
// smaller (more permissive) thresholds, because the keyword score is a
// product over every frame of the phrase.
type Thresholds struct {
	// Note says where the values came from (corpus, split, budget).
	Note  string `json:"note,omitempty"`
	Bands []Band `json:"bands"`
}

// Band is one phone-count range. Threshold 0 switches the band off: its
// phrases are not spotted at all.
type Band struct {
	MaxPhones int     `json:"max_phones"`
	Threshold float64 `json:"threshold"`
}

//go:embed thresholds.json
var tunedJSON []byte

// Tuned returns the thresholds tuned on the generated corpus's train split
// (thresholds.json, see docs/accuracy.md).
func Tuned() Thresholds {
	t, err := ParseThresholds(tunedJSON)
	if err != nil {
		// The file is embedded and tested; failing here is a build bug.
		panic(fmt.Sprintf("kws: embedded thresholds.json: %v", err))
	}
	return t
}

// LoadThresholds reads a thresholds JSON file.
func LoadThresholds(path string) (Thresholds, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Thresholds{}, fmt.Errorf("kws: thresholds: %w", err)
	}
	t, err := ParseThresholds(data)
	if err != nil {
		return Thresholds{}, fmt.Errorf("kws: thresholds %s: %w", path, err)
	}
	return t, nil
}

// ParseThresholds decodes and validates {"bands": [{"max_phones": N,
// "threshold": X}, ...]}. Unknown keys are errors.
func ParseThresholds(data []byte) (Thresholds, error) {
	var t Thresholds
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return Thresholds{}, fmt.Errorf("decode: %w", err)
	}
	if dec.More() {
		return Thresholds{}, errors.New("decode: trailing data after the object")
	}
	return t, t.Validate()
}

// Validate checks that bands ascend and thresholds are in [0, 1).
func (t Thresholds) Validate() error {
	if len(t.Bands) == 0 {
		return errors.New("bands: empty")
	}
	prev := 0
	for i, b := range t.Bands {
		if b.MaxPhones <= prev {
			return fmt.Errorf("bands[%d].max_phones %d: want more than %d (ascending, positive)", i, b.MaxPhones, prev)
		}
		prev = b.MaxPhones
		if math.IsNaN(b.Threshold) || b.Threshold < 0 || b.Threshold >= 1 {
			return fmt.Errorf("bands[%d].threshold %v: want 0 (off) or a value in (0, 1), e.g. 1e-20", i, b.Threshold)
		}
	}
	return nil
}

// For returns the threshold of a phrase of phones phones (0: not spotted).
func (t Thresholds) For(phones int) float64 {
	for _, b := range t.Bands {
		if phones <= b.MaxPhones {
			return b.Threshold
		}
	}
	if len(t.Bands) == 0 {
		return 0
	}
	return t.Bands[len(t.Bands)-1].Threshold
}
