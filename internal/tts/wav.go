package tts

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"time"
)

// SampleRate is the rate of every file this package writes.
const SampleRate = 16000

// ErrFormat is returned for a WAV file that is not 16 kHz mono 16-bit PCM.
var ErrFormat = errors.New("tts: not a 16 kHz mono 16-bit PCM WAV file")

// ReadPCM returns the samples of a 16 kHz mono 16-bit PCM WAV file.
func ReadPCM(path string) ([]int16, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tts: %w", err)
	}
	pcm, err := parseWAV(b)
	if err != nil {
		return nil, fmt.Errorf("tts: %s: %w", path, err)
	}
	return pcm, nil
}

func parseWAV(b []byte) ([]int16, error) {
	if len(b) < 12 || string(b[:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, ErrFormat
	}
	var fmtOK bool
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8 : min(len(b), p+8+size)]
		switch id {
		case "fmt ":
			fmtOK = len(body) >= 16 &&
				binary.LittleEndian.Uint16(body[0:2]) == 1 && // PCM
				binary.LittleEndian.Uint16(body[2:4]) == 1 && // mono
				binary.LittleEndian.Uint32(body[4:8]) == SampleRate &&
				binary.LittleEndian.Uint16(body[14:16]) == 16
		case "data":
			if !fmtOK {
				return nil, ErrFormat
			}
			pcm := make([]int16, len(body)/2)
			_ = binary.Read(bytes.NewReader(body[:2*len(pcm)]), binary.LittleEndian, pcm)
			return pcm, nil
		}
		p += 8 + size + size%2
	}
	return nil, ErrFormat
}

// WritePCM writes samples as a 16 kHz mono 16-bit PCM WAV file.
func WritePCM(path string, pcm []int16) error {
	var buf bytes.Buffer
	n := uint32(2 * len(pcm))
	buf.WriteString("RIFF")
	_ = binary.Write(&buf, binary.LittleEndian, 36+n)
	buf.WriteString("WAVEfmt ")
	_ = binary.Write(&buf, binary.LittleEndian, []uint32{16})
	_ = binary.Write(&buf, binary.LittleEndian, []uint16{1, 1})
	_ = binary.Write(&buf, binary.LittleEndian, []uint32{SampleRate, 2 * SampleRate})
	_ = binary.Write(&buf, binary.LittleEndian, []uint16{2, 16})
	buf.WriteString("data")
	_ = binary.Write(&buf, binary.LittleEndian, n)
	_ = binary.Write(&buf, binary.LittleEndian, pcm)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("tts: %w", err)
	}
	return nil
}

// Duration is the play time of n samples.
func Duration(n int) time.Duration {
	return time.Duration(n) * time.Second / SampleRate
}
