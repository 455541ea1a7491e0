package lexicon

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/earshot/earshot/analysis"
)

// Typed evasions (Rule.Typed): captions and titles write "freeeee",
// "c.u.r.e", "c-u-r-e" or "f r e e" where speech has "free" and "cure".
// The rules that opt in are compiled a second time, every Latin word
// squeezed (runs of one letter become one: free and freeeee are both
// "fre"), into an engine of their own; a segment is matched against it
// once more, over tokens whose noise-separated letters are joined and
// whose words are squeezed the same way. Spans still point into the
// original text, so hits quote what was written.

// buildTyped compiles the Typed rules' squeezed twin.
func (e *Engine) buildTyped() error {
	var rules []Rule
	for _, r := range e.lx.Rules {
		if r.Typed {
			rules = append(rules, squeezeRule(r))
		}
	}
	if len(rules) == 0 {
		return nil
	}
	lx := &Lexicon{Format: e.lx.Format, Name: e.lx.Name + " (typed)", File: e.lx.File, Rules: rules}
	for _, a := range e.lx.Allow {
		lx.Allow = append(lx.Allow, squeeze(a))
	}
	t, err := Compile(lx, Options{})
	if err != nil {
		return err
	}
	e.typed = t
	return nil
}

func squeezeRule(r Rule) Rule {
	r.Typed = false
	r.Patterns = append([]Pattern(nil), r.Patterns...)
	for i := range r.Patterns {
		p := &r.Patterns[i]
		p.Phrase = squeeze(p.Phrase)
		p.NotFollowedBy = squeezeAll(p.NotFollowedBy)
		p.NotPrecededBy = squeezeAll(p.NotPrecededBy)
		p.NotInside = squeezeAll(p.NotInside)
	}
	r.Exceptions = append([]Exception(nil), r.Exceptions...)
	for i := range r.Exceptions {
		r.Exceptions[i].Phrase = squeeze(r.Exceptions[i].Phrase)
	}
	r.Allow = squeezeAll(r.Allow)
	return r
}

func squeezeAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = squeeze(s)
	}
	return out
}

// squeeze collapses runs of the same Latin letter, case-folded.
func squeeze(s string) string {
	var b strings.Builder
	var prev rune
	for _, r := range s {
		l := unicode.ToLower(r)
		if l < unicode.MaxASCII && unicode.IsLetter(l) && l == prev {
			continue
		}
		prev = l
		b.WriteRune(r)
	}
	return b.String()
}

// typedHits matches the typed twin against the segment's typed tokens.
func (e *Engine) typedHits(text string, toks []analysis.Token, han bool, tr *[]Explanation) []Hit {
	tt, changed := typedTokens(text, toks)
	if !changed {
		return nil // nothing was stretched or split: the main pass saw it all
	}
	sc := e.scratch.Get().(*scratch)
	defer e.scratch.Put(sc)
	return e.finish(nil, text, tt, han, e.candidates(tt, han, sc), sc, tr)
}

// typedTokens joins Latin words split by noise (c.u.r.e, c-u-r-e, and
// single letters f r e e; an @ alone between letters is read as the a it
// stands for, wh@tsapp) and squeezes every word; it reports whether any
// token changed.
func typedTokens(text string, toks []analysis.Token) ([]analysis.Token, bool) {
	out := make([]analysis.Token, 0, len(toks))
	changed := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.Kind != analysis.Word {
			out = append(out, t)
			continue
		}
		if w, j := leetWord(toks, i); j > i {
			t.Text, t.End, t.Syllables, t.Digits, t.Stem, changed = squeeze(w), toks[j].End, nil, "", "", true
			out = append(out, t)
			i = j
			continue
		}
		j, kind := i, 0
		for j+1 < len(toks) && toks[j+1].Kind == analysis.Word {
			k := noiseBetween(text, &toks[j], &toks[j+1])
			if k == 0 || (kind != 0 && k != kind) {
				break // one word keeps one kind of noise: "t.o.t.a.l.l.y f-r-e-e" is two
			}
			kind = k
			j++
		}
		w := t.Text
		if j > i {
			var b strings.Builder
			for k := i; k <= j; k++ {
				if k > i && kind == noiseMark && text[toks[k-1].End:toks[k].Start] == "@" {
					b.WriteByte('a') // wh@tsapp: @ typed for the a it looks like
				}
				b.WriteString(toks[k].Text)
			}
			w = b.String()
			t.Text, t.End, t.Syllables, t.Digits, t.Stem, changed = w, toks[j].End, nil, "", "", true
		}
		if sq := squeeze(w); sq != t.Text {
			t.Text, t.Stem, changed = sq, "", true
			if len(sq) != 1 {
				t.Syllables = nil
			}
		}
		out = append(out, t)
		i = j
	}
	return out, changed
}

// Kinds of noise between the pieces of a typed word.
const (
	noiseMark  = 1 // c.u.r.e, wh@tsapp
	noiseSpace = 2 // f r e e
)

// noiseBetween says how a and b are pieces of one typed word: one or two
// marks and no space between them, or two single letters with only spaces
// between; 0 when they are two words.
func noiseBetween(text string, a, b *analysis.Token) int {
	gap := text[a.End:b.Start]
	switch {
	case gap == "":
		return 0
	case strings.TrimSpace(gap) == "":
		if len(a.Text) == 1 && len(b.Text) == 1 && len(gap) <= 2 {
			return noiseSpace
		}
	case utf8.RuneCountInString(gap) <= 2 && !strings.ContainsAny(gap, " \t\n,;:!?，。！？"):
		// Two runes, not bytes: an emoji between letters (f🔥r🔥e🔥e) is noise too.
		return noiseMark
	}
	return 0
}

// leet reads the digits typed for the letters they look like (fr33, w3chat,
// cur3); a digit with no look-alike ends the word.
var leet = [10]byte{'o', 'i', 0, 'e', 'a', 's', 0, 't', 0, 0}

// leetWord joins the Latin word at toks[i] with the digit runs and words
// written right against it (w3chat is w, 3, chat), reading the digits as
// letters. It returns the word and the index of its last token, i when
// no digit run touches the word.
func leetWord(toks []analysis.Token, i int) (string, int) {
	j := i
	var b strings.Builder
	b.WriteString(toks[i].Text)
	for j+1 < len(toks) && toks[j+1].Start == toks[j].End {
		n := &toks[j+1]
		switch {
		case n.Kind == analysis.Number && leetDigits(n.Text):
			for k := 0; k < len(n.Text); k++ {
				b.WriteByte(leet[n.Text[k]-'0'])
			}
		case n.Kind == analysis.Word && toks[j].Kind == analysis.Number:
			b.WriteString(n.Text)
		default:
			return b.String(), j
		}
		j++
	}
	return b.String(), j
}

func leetDigits(s string) bool {
	for k := 0; k < len(s); k++ {
		if s[k] < '0' || s[k] > '9' || leet[s[k]-'0'] == 0 {
			return false
		}
	}
	return s != ""
}
