package tts

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

// AddNoise mixes white noise into the 16 kHz mono WAV file in and writes
// out, so that the ratio of the whole signal's power (silences included)
// to the noise's is snrDB. The noise is repeatable (sox -R).
func AddNoise(ctx context.Context, in, out string, snrDB float64) error {
	pcm, err := ReadPCM(in)
	if err != nil {
		return err
	}
	if len(pcm) == 0 {
		return fmt.Errorf("tts: add noise: %s is empty", in)
	}
	dir, err := os.MkdirTemp("", "earshot-tts-*")
	if err != nil {
		return fmt.Errorf("tts: %w", err)
	}
	defer os.RemoveAll(dir)
	noise := filepath.Join(dir, "noise.wav")
	if err := whiteNoise(ctx, noise, len(pcm)); err != nil {
		return err
	}
	npcm, err := ReadPCM(noise)
	if err != nil {
		return err
	}
	gain := rms(pcm) / math.Pow(10, snrDB/20) / rms(npcm)
	mix := command{ctx: ctx, name: "sox", args: []string{"-R", "-m", "-v", "1", in,
		"-v", strconv.FormatFloat(gain, 'f', 6, 64), noise, "-b", "16", out}}
	if err := mix.run(); err != nil {
		return fmt.Errorf("tts: add noise: %w", err)
	}
	return nil
}

// whiteNoise writes n samples of repeatable white noise (sox -R) to path.
func whiteNoise(ctx context.Context, path string, n int) error {
	secs := strconv.FormatFloat(Duration(n).Seconds(), 'f', 6, 64)
	c := command{ctx: ctx, name: "sox", args: []string{"-R", "-n", "-r", "16000", "-c", "1", "-b", "16",
		path, "synth", secs, "whitenoise", "vol", "0.5"}}
	if err := c.run(); err != nil {
		return fmt.Errorf("tts: add noise: %w", err)
	}
	return nil
}

// rms is the root mean square of pcm relative to full scale.
func rms(pcm []int16) float64 {
	if len(pcm) == 0 {
		return 0
	}
	var sum float64
	for _, s := range pcm {
		f := float64(s) / 32768
		sum += f * f
	}
	return math.Sqrt(sum / float64(len(pcm)))
}
