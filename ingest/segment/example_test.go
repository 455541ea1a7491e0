package segment_test

import (
	"fmt"
	"math"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/segment"
)

// One second of silence, one second of a loud tone, one second of
// silence, fed in 20 ms chunks as a Source would emit them.
func ExampleEnergy() {
	pcm := make([]int16, 3*ingest.SampleRate)
	for i := ingest.SampleRate; i < 2*ingest.SampleRate; i++ {
		pcm[i] = int16(8000 * math.Sin(2*math.Pi*300*float64(i)/ingest.SampleRate))
	}
	seg, err := segment.NewEnergy(segment.Config{}) // defaults: 400 ms pause, 15 s max
	if err != nil {
		panic(err)
	}
	for i := 0; i < len(pcm); i += 320 {
		c := ingest.Chunk{Offset: time.Duration(i) * time.Second / ingest.SampleRate, PCM: pcm[i : i+320]}
		for _, ev := range seg.Push(c) {
			fmt.Printf("%s at %v (%s), seen at %v\n", ev.Kind, ev.At, ev.Cause, c.End())
		}
	}
	for _, ev := range seg.Flush() {
		fmt.Println(ev)
	}
	// Output:
	// start at 750ms (onset), seen at 1.06s
	// end at 2.15s (pause), seen at 2.4s
}
