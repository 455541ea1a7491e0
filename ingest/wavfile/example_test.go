package wavfile_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/go-audio/audio"
	"github.com/go-audio/wav"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/wavfile"
)

// A WAV upload (here: half a second of 44.1 kHz stereo written to a temp
// file) becomes 100 ms chunks of 16 kHz mono with stream offsets.
func Example() {
	f, _ := os.CreateTemp("", "example-*.wav")
	defer os.Remove(f.Name())
	enc := wav.NewEncoder(f, 44100, 16, 2, 1)
	enc.Write(&audio.IntBuffer{Format: &audio.Format{NumChannels: 2, SampleRate: 44100}, Data: make([]int, 2*22050), SourceBitDepth: 16})
	enc.Close()
	f.Seek(0, io.SeekStart)
	body, _ := io.ReadAll(f)
	f.Close()

	src, err := wavfile.NewReader(bytes.NewReader(body), "upload.wav", wavfile.Options{Chunk: 100 * time.Millisecond})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(src.Describe(), src.Format())
	err = src.Run(context.Background(), func(c ingest.Chunk) error {
		fmt.Println(c.Offset, len(c.PCM))
		return nil
	})
	fmt.Println("done:", err)
	// Output:
	// wav:upload.wav 44100 Hz, 2 ch, 16-bit, 500ms
	// 0s 1600
	// 100ms 1600
	// 200ms 1600
	// 300ms 1600
	// 400ms 1600
	// done: <nil>
}

// Files that are not integer PCM WAV are refused with an error saying why,
// which wraps one of the package's error kinds.
func ExampleNewReader_rejected() {
	_, err := wavfile.NewReader(bytes.NewReader([]byte("ID3\x04 this is an MP3")), "song.mp3", wavfile.Options{})
	fmt.Println(err)
	// Output: wavfile song.mp3: not a WAV file: starts with "ID3\x04", not "RIFF"
}
