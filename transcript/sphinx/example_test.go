package sphinx_test

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/sphinx"
)

// Feed audio as it arrives, end the utterance when the speaker pauses.
func Example() {
	rec, err := sphinx.New(sphinx.Config{}) // the Debian en-us model
	if err != nil {
		fmt.Println(err)
		return
	}
	defer rec.Close()
	s, err := rec.Open(context.Background(), func(h transcript.Hypothesis) {
		fmt.Println(h.Final, h.Text, h.Alternatives)
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	pcm := make([]int16, 16000) // one second of 16 kHz audio from a source
	_ = s.Write(pcm, 0)
	_ = s.EndUtterance()
	_ = s.Close()
}
