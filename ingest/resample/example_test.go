package resample_test

import (
	"fmt"
	"math"

	"github.com/earshot/earshot/ingest/resample"
)

// A stream of 48 kHz stereo audio (as a WebRTC Opus decoder produces)
// arrives in 20 ms packets; each packet is converted as it comes.
func ExampleConverter() {
	conv, err := resample.New(48000, 2)
	if err != nil {
		panic(err)
	}
	packet := make([]float32, 960*2) // 20 ms of 48 kHz stereo
	var pcm []int16
	for n := range 50 { // one second
		for i := range 960 {
			v := float32(0.5 * math.Sin(2*math.Pi*1000*float64(n*960+i)/48000))
			packet[2*i], packet[2*i+1] = v, v
		}
		if pcm, err = conv.AppendFloat32(pcm, packet); err != nil {
			panic(err)
		}
	}
	pcm = conv.Flush(pcm) // end of stream: release the filter's look-ahead
	fmt.Println(len(pcm), "samples at", resample.OutRate, "Hz")
	// Output: 16000 samples at 16000 Hz
}
