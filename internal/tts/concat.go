package tts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Part is one piece of a concatenation: a WAV file, or (when Path is
// empty) Silence of the given length.
type Part struct {
	Path    string
	Silence time.Duration
}

// Span is where a part landed in the concatenation.
type Span struct {
	Start, End time.Duration
}

// Concat writes the parts one after another into out (16 kHz mono 16-bit
// WAV) and returns each part's span, in order. Files in another format are
// converted with sox first.
func Concat(ctx context.Context, out string, parts ...Part) ([]Span, error) {
	var all []int16
	spans := make([]Span, len(parts))
	for i, p := range parts {
		pcm, err := partPCM(ctx, p)
		if err != nil {
			return nil, fmt.Errorf("tts: concat part %d: %w", i, err)
		}
		spans[i] = Span{Start: Duration(len(all)), End: Duration(len(all) + len(pcm))}
		all = append(all, pcm...)
	}
	if err := WritePCM(out, all); err != nil {
		return nil, fmt.Errorf("tts: concat: %w", err)
	}
	return spans, nil
}

func partPCM(ctx context.Context, p Part) ([]int16, error) {
	if p.Path == "" {
		if p.Silence < 0 {
			return nil, fmt.Errorf("tts: negative silence %v", p.Silence)
		}
		return make([]int16, int(p.Silence*SampleRate/time.Second)), nil
	}
	pcm, err := ReadPCM(p.Path)
	if !errors.Is(err, ErrFormat) {
		return pcm, err
	}
	dir, err := os.MkdirTemp("", "earshot-tts-*")
	if err != nil {
		return nil, fmt.Errorf("tts: %w", err)
	}
	defer os.RemoveAll(dir)
	conv := filepath.Join(dir, "conv.wav")
	if err := convert(ctx, p.Path, conv); err != nil {
		return nil, err
	}
	return ReadPCM(conv)
}
