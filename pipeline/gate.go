package pipeline

import (
	"fmt"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/segment"
	"github.com/earshot/earshot/transcript"
)

// preRoll is how much audio before a detected speech start is still given to
// the recognizer, so a soft first syllable is not cut.
const preRoll = 300 * time.Millisecond

// gate feeds the recognizer only the audio the segmenter calls speech, plus
// a little before it, and ends an utterance where the segmenter hears a
// pause. Silence never reaches the recognizer: it costs CPU and invites the
// decoder to hallucinate words in noise.
type gate struct {
	stream   transcript.Stream
	seg      segment.Segmenter
	inSpeech bool
	held     []ingest.Chunk // recent non-speech audio, at most preRoll
}

func newGate(stream transcript.Stream, cfg Config) *gate {
	g := &gate{stream: stream}
	if cfg.NewSegmenter != nil {
		g.seg = cfg.NewSegmenter()
	}
	return g
}

func (g *gate) push(c ingest.Chunk) error {
	if g.seg == nil {
		return g.write(c)
	}
	was := g.inSpeech
	ended := false
	for _, ev := range g.seg.Push(c) {
		switch ev.Kind {
		case segment.SpeechStart:
			g.inSpeech = true
		case segment.SpeechEnd:
			g.inSpeech, ended = false, true
		}
	}
	if !was && !g.inSpeech && !ended {
		g.hold(c)
		return nil
	}
	if !was {
		for _, h := range g.held {
			if err := g.write(h); err != nil {
				return err
			}
		}
		g.held = g.held[:0]
	}
	if err := g.write(c); err != nil {
		return err
	}
	if ended {
		if err := g.stream.EndUtterance(); err != nil {
			return fmt.Errorf("pipeline: recognizer: %w", err)
		}
	}
	return nil
}

func (g *gate) hold(c ingest.Chunk) {
	g.held = append(g.held, c)
	var d time.Duration
	for i := len(g.held) - 1; i >= 0; i-- {
		d += g.held[i].Duration()
		if d > preRoll {
			g.held = append(g.held[:0], g.held[i:]...)
			return
		}
	}
}

func (g *gate) write(c ingest.Chunk) error {
	if err := g.stream.Write(c.PCM, c.Offset); err != nil {
		return fmt.Errorf("pipeline: recognizer: %w", err)
	}
	return nil
}
