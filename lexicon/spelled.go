package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
)

// Letters spelled out in Chinese speech: recognizers and captions write
// "加 W X" and "B J C 发货" where "加wx" and "bjc" read as pinyin initials,
// and "w e i x i n" where "weixin" is typed pinyin. A Chinese segment with
// such a run is matched once more with each run joined into the word it
// spells; every other segment is matched once, as before. Letters in an
// English segment stay letters ("add w x to the list"), and letters set
// apart by anything but spaces are a list (S、M、L), not a word.

// Bounds of a spelled run: two letters are the shortest initials (wx),
// eight the longest spelled pinyin worth reading (w e i x i n is six).
const (
	minSpelled = 2
	maxSpelled = 8
)

// spelledHits matches the segment again with its spelled runs joined; nil
// when it has none (almost every segment) or is not Chinese.
func (e *Engine) spelledHits(text string, toks []analysis.Token, han bool, tr *[]Explanation) []Hit {
	if !han {
		return nil
	}
	tt, changed := spelledTokens(text, toks)
	if !changed {
		return nil
	}
	sc := e.scratch.Get().(*scratch)
	defer e.scratch.Put(sc)
	var hits []Hit
	emit := func(f found) {
		if tr != nil {
			*tr = append(*tr, e.explain(f, text, tt))
		}
		if f.why == "" && sc.fired[f.p.rule.index-1] != sc.gen {
			sc.fired[f.p.rule.index-1] = sc.gen
			hits = append(hits, e.hit(f, text, tt))
		}
	}
	// Only fuzzy Chinese patterns read letters as Chinese; an exact
	// pattern's tokens are the text's as written, and digits, contacts
	// and sounds were matched on those already.
	fuzzyZh := func(p *cpattern) bool { return p.fuzzy && p.zh }
	e.verifyCandidates(tt, han, e.candidates(tt, han, sc), sc, tr != nil, fuzzyZh, emit)
	return hits
}

// spelledTokens joins each run of minSpelled to maxSpelled one-letter
// Latin words separated by spaces alone into one word spanning the run;
// it reports whether any run was joined.
func spelledTokens(text string, toks []analysis.Token) ([]analysis.Token, bool) {
	var out []analysis.Token
	changed := false
	for i := 0; i < len(toks); i++ {
		j := i
		for j+1 < len(toks) && oneLetter(&toks[j]) && oneLetter(&toks[j+1]) && spaceOnly(gapBefore(text, toks, j+1)) {
			j++
		}
		if !oneLetter(&toks[i]) || j-i+1 < minSpelled || j-i+1 > maxSpelled {
			if out != nil {
				out = append(out, toks[i:j+1]...)
			}
			i = j
			continue
		}
		if out == nil {
			out = append(make([]analysis.Token, 0, len(toks)), toks[:i]...)
		}
		var b strings.Builder
		for k := i; k <= j; k++ {
			b.WriteString(toks[k].Text)
		}
		t := toks[i]
		t.Text, t.End, t.Syllables, t.Stem, t.Digits = b.String(), toks[j].End, nil, "", ""
		out = append(out, t)
		changed = true
		i = j
	}
	return out, changed
}

// oneLetter is a Latin word of one ASCII letter.
func oneLetter(t *analysis.Token) bool {
	return t.Kind == analysis.Word && len(t.Text) == 1 && t.Text[0] >= 'a' && t.Text[0] <= 'z'
}

func spaceOnly(gap string) bool { return gap != "" && len(gap) <= 3 && strings.TrimSpace(gap) == "" }
