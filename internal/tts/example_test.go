package tts_test

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/earshot/earshot/internal/tts"
)

// A test clip with a violation between two clean sentences, and where the
// violation lies.
func ExampleConcat() {
	ctx := context.Background()
	dir := "/tmp"
	clean, claim := filepath.Join(dir, "clean.wav"), filepath.Join(dir, "claim.wav")
	_ = tts.Synthesize(ctx, tts.FliteSLT, "we have a great deal on these shoes today", clean)
	_ = tts.Synthesize(ctx, tts.FliteSLT, "this cream cures cancer", claim)
	spans, err := tts.Concat(ctx, filepath.Join(dir, "clip.wav"),
		tts.Part{Path: clean}, tts.Part{Silence: 700 * time.Millisecond}, tts.Part{Path: claim})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("claim from", spans[2].Start, "to", spans[2].End)
}
