package store

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/registry"

	"github.com/earshot/earshot/analysis/pinyin"
)

// pinyinAnalyzerName is registered with bleve's analyzer registry, the way
// bleve's own language analyzers plug in, so index mappings can name it.
const pinyinAnalyzerName = "earshot_pinyin"

func init() {
	if err := registry.RegisterAnalyzer(pinyinAnalyzerName, func(map[string]any, *registry.Cache) (analysis.Analyzer, error) {
		return pinyinAnalyzer{}, nil
	}); err != nil {
		panic(err) // a duplicate name is a programming error caught at start
	}
}

// pinyinAnalyzer turns text into toneless pinyin syllables, one position
// per Han character (every reading of a polyphonic character at the same
// position) and one per syllable of a Latin word that is pinyin. The same
// analyzer runs on queries, so "weixin" becomes the phrase wei xin and finds
// 威信 and 微信 alike. Offsets point at the original characters, so a pinyin
// match highlights the Han text it came from.
type pinyinAnalyzer struct{}

func (pinyinAnalyzer) Analyze(input []byte) analysis.TokenStream {
	var out analysis.TokenStream
	pos := 0
	for i := 0; i < len(input); {
		r, size := utf8.DecodeRune(input[i:])
		switch {
		case isHan(r):
			if readings := pinyin.Readings(r); len(readings) > 0 {
				pos++
				for _, p := range readings {
					out = append(out, &analysis.Token{Start: i, End: i + size, Term: []byte(p),
						Position: pos, Type: analysis.Ideographic})
				}
			}
			i += size
		case isWordRune(r):
			j := i + size
			for j < len(input) {
				r2, s2 := utf8.DecodeRune(input[j:])
				if !isWordRune(r2) {
					break
				}
				j += s2
			}
			out = appendWord(out, input[i:j], i, &pos)
			i = j
		default:
			i += size
		}
	}
	return out
}

// appendWord adds a Latin or digit word: split into syllables when it is
// pinyin, else kept whole (lower case).
func appendWord(out analysis.TokenStream, word []byte, start int, pos *int) analysis.TokenStream {
	w := strings.ToLower(string(word))
	parts := pinyin.Split(w)
	if parts == nil {
		parts = []string{w}
	}
	for _, p := range parts {
		*pos++
		out = append(out, &analysis.Token{Start: start, End: start + len(word), Term: []byte(p),
			Position: *pos, Type: analysis.AlphaNumeric})
	}
	return out
}

func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

func isWordRune(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// hasHan reports whether s holds a Han character.
func hasHan(s string) bool { return strings.IndexFunc(s, isHan) >= 0 }
