package lexicon

import (
	"strings"
	"unicode/utf8"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/transcript"
)

// Stream matches the successive hypotheses of one utterance. A streaming
// recognizer sends partials that grow word by word; when a hypothesis
// extends the previous one, Stream tokenizes and scans only what is new,
// going on from the automaton's state before the previous hypothesis'
// last words (which the new text may have changed: "cur" becomes
// "cures"). Verification, digits and phonetic matching still see the
// whole text, since words heard later can cancel a hit (an exception, a
// not_followed_by guard). Hits are exactly Match's.
//
// A Stream holds the state of one utterance and is not safe for
// concurrent use; the Engine keeps none. Start a new Stream per utterance.
type Stream struct {
	e     *Engine
	text  string
	toks  []analysis.Token
	han   bool
	at    resume
	ok    bool   // at holds a usable state
	spare resume // the next state's buffers
}

// StreamMatcher is a Matcher that can match the partials of one
// utterance incrementally (Stream). The pipeline pins one per utterance.
type StreamMatcher interface {
	Matcher
	NewStream() *Stream
}

var _ StreamMatcher = (*Engine)(nil)

// NewStream starts matching one utterance's hypotheses.
func (e *Engine) NewStream() *Stream {
	return &Stream{e: e}
}

// Match is Engine.Match for the next hypothesis of the utterance.
func (s *Stream) Match(h transcript.Hypothesis) []Hit { return s.e.match(nil, h, s.run) }

// AppendMatch is Engine.AppendMatch for the next hypothesis of the
// utterance.
func (s *Stream) AppendMatch(dst []Hit, h transcript.Hypothesis) []Hit {
	return s.e.match(dst, h, s.run)
}

func (s *Stream) run(dst []Hit, text string) []Hit {
	e := s.e
	sc := e.scratch.Get().(*scratch)
	defer e.scratch.Put(sc)
	if s.toks == nil {
		// Room for a sentence's tokens at once, not grown by doubling
		// from the first word's partial (six allocations per utterance).
		s.toks = make([]analysis.Token, 0, 32)
	}
	var from *resume
	keep := 0 // tokens carried over from the previous text
	if s.ok && s.at.tok <= len(s.toks) {
		off := len(s.text)
		if s.at.tok < len(s.toks) {
			off = s.toks[s.at.tok].Start
		}
		if strings.HasPrefix(text, s.text[:off]) {
			keep, from = s.at.tok, &s.at
			s.toks = s.toks[:keep]
			for _, t := range sc.tz.Tokenize(text[off:]) {
				t.Start += off
				t.End += off
				s.toks = append(s.toks, t)
			}
		}
	}
	if from == nil {
		s.toks = append(s.toks[:0], sc.tz.Tokenize(text)...)
	}
	s.text = text
	toks := s.toks
	if len(toks) == 0 {
		s.ok = false
		return dst
	}
	han := chineseContext(text, toks)
	if from != nil && han != s.han {
		from = nil // Latin words read as Chinese, or no longer: start over
	}
	s.han = han
	// The state saved for the next partial goes into the spare buffers
	// (from reads s.at's while scan writes): two resumes, swapped, reused
	// for every partial of the utterance.
	snap := &s.spare
	snap.tok = resumePoint(text, toks)
	cands := e.scan(toks, han, sc, from, snap)
	s.at, s.spare, s.ok = *snap, s.at, true
	return e.finish(dst, text, toks, han, cands, sc, nil)
}

// resumePoint is the token the next hypothesis rescans from: the last
// one (it may be a word cut short), or earlier when an earlier token may
// read differently with more text after it: digits and number words (a
// compound number or a phone number reads them together) and a character
// that starts a traditional phrase (OpenCC converts 反覆 together).
func resumePoint(text string, toks []analysis.Token) int {
	i := len(toks) - 1
	for i > 0 && analysis.ReadsWithNext(&toks[i-1]) {
		i--
	}
	for j := max(0, len(toks)-1-maxPhraseBack); j < i; j++ {
		if toks[j].Kind != analysis.Han {
			continue
		}
		r, _ := utf8.DecodeRuneInString(text[toks[j].Start:])
		if n := analysis.ConversionContext(r); n > 0 && j+n >= len(toks)-1 {
			return j
		}
	}
	return i
}

// maxPhraseBack bounds how far back resumePoint looks for a phrase start;
// OpenCC's longest phrases are about this long.
const maxPhraseBack = 16
