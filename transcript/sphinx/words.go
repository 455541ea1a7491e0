package sphinx

import (
	"strings"
	"time"

	"github.com/earshot/earshot/transcript"
)

// frameRate is PocketSphinx's default frames per second (10 ms frames).
const frameRate = 100

// segment is one word of a C segmentation, frames inclusive.
type segment struct {
	word       string
	start, end int
	prob       float64
}

// isFiller reports tokens that are not words: sentence markers, silence
// and noise fillers such as [NOISE] or ++BREATH++.
func isFiller(w string) bool {
	switch {
	case w == "", w == "<s>", w == "</s>", w == "<sil>", w == "<unk>":
		return true
	case strings.HasPrefix(w, "[") && strings.HasSuffix(w, "]"):
		return true
	case strings.HasPrefix(w, "++") && strings.HasSuffix(w, "++"):
		return true
	}
	return false
}

// cleanWord strips an alternate-pronunciation suffix: "read(2)" → "read".
func cleanWord(w string) string {
	if i := strings.LastIndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		return w[:i]
	}
	return w
}

// cleanText drops fillers and pronunciation suffixes from a raw hypothesis.
func cleanText(raw string) string {
	f := strings.Fields(raw)
	out := f[:0]
	for _, w := range f {
		if !isFiller(w) {
			out = append(out, cleanWord(w))
		}
	}
	return strings.Join(out, " ")
}

// frameTime converts a frame index to stream time given the utterance's
// stream start.
func frameTime(start time.Duration, frame int) time.Duration {
	return start + time.Duration(frame)*time.Second/frameRate
}

// toWords turns segments into timed words: fillers dropped, end frames
// made exclusive, times clamped to [start, limit]. Confidence is set only
// for finals: the library has posteriors only after the utterance ends.
func toWords(segs []segment, start, limit time.Duration, final bool) []transcript.Word {
	var out []transcript.Word
	for _, s := range segs {
		word := strings.TrimSpace(s.word)
		if isFiller(word) {
			continue
		}
		w := transcript.Word{
			Text:  cleanWord(word),
			Start: min(frameTime(start, s.start), limit),
			End:   min(frameTime(start, s.end+1), limit),
		}
		if final {
			w.Confidence = s.prob
		}
		out = append(out, w)
	}
	return out
}

// alternatives cleans n-best strings and drops empties, duplicates and
// the best text itself, keeping at most n.
func alternatives(raw []string, best string, n int) []string {
	seen := map[string]bool{best: true}
	var out []string
	for _, r := range raw {
		t := cleanText(r)
		if t == "" || seen[t] {
			continue
		}
		seen[t] = true
		out = append(out, t)
		if len(out) == n {
			break
		}
	}
	return out
}
