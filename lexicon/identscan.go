package lexicon

import (
	"strings"
	"sync"

	"github.com/earshot/earshot/analysis"
)

// IdentifierScanner is Identifiers with its tokenizers' buffers reused
// across calls, for the scan role, which runs it on every final. The zero
// value is ready; it is safe for concurrent use and must not be copied
// after first use.
type IdentifierScanner struct {
	pool sync.Pool // *analysis.Tokenizer
}

// Identifiers is the package's Identifiers.
func (s *IdentifierScanner) Identifiers(text string) []Identifier {
	z, _ := s.pool.Get().(*analysis.Tokenizer)
	if z == nil {
		z = &analysis.Tokenizer{SkipStems: true}
	}
	defer s.pool.Put(z)
	// Values are built strings and spans byte offsets: nothing returned
	// points into the tokenizer's buffers.
	return identifiersIn(text, z.Tokenize(text))
}

// identifiersIn skips, before any spotter runs, a text that cannot hold
// an identifier (most sentences): every identifier needs one of
//   - a dot, written or said (an e-mail or web address has a domain);
//   - a messenger's name (an id after it);
//   - a digit run of a phone number's length (analysis.DigitRuns);
//   - a run of one-character tokens as long as a spelled-out handle.
//
// TestSkipLosesNoIdentifier holds the skip to the spotters.
func identifiersIn(text string, toks []analysis.Token) []Identifier {
	if !mayHoldIdentifier(text, toks) {
		return nil
	}
	return identifiersOf(text, toks)
}

func mayHoldIdentifier(text string, toks []analysis.Token) bool {
	if strings.ContainsAny(text, ".。．") {
		return true
	}
	digits, chars := 0, 0 // the current digit run's digits, one-character run
	for i := range toks {
		t := &toks[i]
		if t.IsDigit() {
			if digits += len(t.Digits); digits >= minPhoneDigits {
				return true
			}
		} else {
			digits = 0
		}
		if oneChar(t) {
			if chars++; chars >= minHandleRun {
				return true
			}
		} else {
			chars = 0
		}
		if t.Kind == analysis.Word && t.Text == "dot" || t.Han == '点' {
			return true
		}
		if _, n := platformAt(toks, i); n > 0 {
			return true
		}
	}
	return false
}
