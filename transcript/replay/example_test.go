package replay_test

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/replay"
)

// Replay a transcript as the audio reaches its times.
func Example() {
	rec := replay.New([]replay.Line{{StartMs: 0, EndMs: 900, Text: "加我威信"}})
	s, _ := rec.Open(context.Background(), func(h transcript.Hypothesis) {
		fmt.Println(h.Final, h.Text, h.End)
	})
	_ = s.Write(make([]int16, 16000), 0) // one second of audio
	_ = s.Close()
	// Output: true 加我威信 900ms
}
