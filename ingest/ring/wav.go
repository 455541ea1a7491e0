package ring

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"

	"github.com/earshot/earshot/ingest"
)

// WriteWAV writes pcm as a 16 kHz mono 16-bit PCM WAV to w.
func WriteWAV(w io.WriteSeeker, pcm []int16) error {
	enc := wav.NewEncoder(w, ingest.SampleRate, 16, 1, 1)
	data := make([]int, len(pcm))
	for i, v := range pcm {
		data[i] = int(v)
	}
	buf := &audio.IntBuffer{
		Format:         &audio.Format{NumChannels: 1, SampleRate: ingest.SampleRate},
		Data:           data,
		SourceBitDepth: 16,
	}
	if err := enc.Write(buf); err != nil {
		return fmt.Errorf("ring: write WAV samples: %w", err)
	}
	if err := enc.Close(); err != nil {
		return fmt.Errorf("ring: finish WAV: %w", err)
	}
	return nil
}

// SaveWAV writes pcm as a WAV file at path, atomically: readers see the
// whole file or none (it is written beside path, then renamed).
func SaveWAV(path string, pcm []int16) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".clip-*.wav")
	if err != nil {
		return fmt.Errorf("ring: save clip: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := WriteWAV(f, pcm); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("ring: save clip: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("ring: save clip: %w", err)
	}
	return nil
}
