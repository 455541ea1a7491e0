package lexicon

import (
	"strings"
	"time"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/transcript"
)

// Match returns the rules h breaks, at most one Hit per rule (its first
// occurrence that no exception or guard cancels). Partial hypotheses are
// matched too; the caller deduplicates by (rule, utterance). Alternatives
// are matched for rules the best reading did not break, at a lower score.
// Match is AppendMatch(nil, h): the returned slice is the caller's.
func (e *Engine) Match(h transcript.Hypothesis) []Hit { return e.AppendMatch(nil, h) }

// AppendMatch appends Match's hits of h to dst and returns the extended
// slice. A caller that matches many hypotheses and is done with each
// result before the next call passes the previous result as dst[:0]: on
// the literal paths the engine then allocates nothing per call (at 10,000
// rules a segment of English breaks about 20 rules, and their Hits are
// most of the call's memory and of the collector's marking). A Hit points
// into the lexicon (HitRule) and into h's text, never into dst, so
// copying a Hit out keeps it valid after dst is reused.
func (e *Engine) AppendMatch(dst []Hit, h transcript.Hypothesis) []Hit {
	return e.match(dst, h, e.run1)
}

// run1 is run without a trace, the shape match takes.
func (e *Engine) run1(dst []Hit, text string) []Hit { return e.run(dst, text, nil) }

// match appends the hits of the best reading (through run) to dst, then
// those of the alternatives for rules the best reading did not break.
func (e *Engine) match(dst []Hit, h transcript.Hypothesis, run func([]Hit, string) []Hit) []Hit {
	text := h.Text
	if text == "" && len(h.Words) > 0 {
		text = joinWords(h.Words)
	}
	n0 := len(dst)
	dst = run(dst, text)
	locate(dst[n0:], text, h)
	for _, alt := range h.Alternatives {
		for _, hit := range e.run(nil, alt, nil) {
			if !hasRule(dst[n0:], hit.RuleID) {
				hit.Score *= altPenalty
				hit.Start, hit.End = h.Start, h.End
				dst = append(dst, hit)
			}
		}
	}
	return dst
}

// altPenalty scales hits found only in n-best alternatives.
const altPenalty = 0.8

// MatchText matches text as a final hypothesis with no words.
func (e *Engine) MatchText(text string) []Hit { return e.AppendMatchText(nil, text) }

// AppendMatchText is MatchText appending to dst, as AppendMatch.
func (e *Engine) AppendMatchText(dst []Hit, text string) []Hit {
	return e.AppendMatch(dst, transcript.Hypothesis{Text: text, Final: true})
}

func hasRule(hits []Hit, id string) bool {
	for _, h := range hits {
		if h.RuleID == id {
			return true
		}
	}
	return false
}

func joinWords(ws []transcript.Word) string {
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.Text
	}
	return strings.Join(parts, " ")
}

// found is a verified, not yet cancelled occurrence of a pattern.
type found struct {
	p    *cpattern
	sp   span
	why  string // non-empty when cancelled
	cand bool   // selected by the index (false for digits/phonetic paths)
}

// run appends text's hits to dst; when tr is non-nil every candidate is
// recorded there.
func (e *Engine) run(dst []Hit, text string, tr *[]Explanation) []Hit {
	sc := e.scratch.Get().(*scratch)
	defer e.scratch.Put(sc)
	if e.lit && tr == nil && !e.noIndex && !e.noLit {
		if hits, ok := e.literalASCII(dst, text, sc); ok {
			return hits
		}
		if sc.asc.NonASCII() {
			if hits, ok := e.literalHan(dst, text, sc); ok {
				return hits
			}
		}
	}
	toks := sc.tz.Tokenize(text)
	if len(toks) == 0 {
		return dst
	}
	han := chineseContext(text, toks)
	return e.finish(dst, text, toks, han, e.candidates(toks, han, sc), sc, tr)
}

// finish verifies the candidates and runs the digit and phonetic matchers;
// it appends the hits to dst.
func (e *Engine) finish(dst []Hit, text string, toks []analysis.Token, han bool, cands []int32, sc *scratch, tr *[]Explanation) []Hit {
	// Hits collect in the pooled scratch and leave as one exact-size copy:
	// at 10,000 rules a segment breaks about 20, and growing a fresh slice
	// for them (and sorting into another) was most of the call's garbage.
	hits := sc.hits[:0]
	defer func() { sc.hits = hits[:0] }()
	emit := func(f found) {
		if tr != nil {
			*tr = append(*tr, e.explain(f, text, toks))
		}
		if f.why != "" || sc.fired[f.p.rule.index-1] == sc.gen {
			return
		}
		sc.fired[f.p.rule.index-1] = sc.gen
		hits = append(hits, e.hit(f, text, toks))
	}
	e.verifyCandidates(toks, han, cands, sc, tr != nil, nil, emit)
	e.matchDigits(toks, han, sc, emit)
	e.matchContacts(text, toks, han, sc, emit)
	e.matchPhonetic(toks, han, tr != nil, sc, emit)
	if e.typed != nil {
		for _, h := range e.typed.typedHits(text, toks, han, tr) {
			if !hasRule(hits, h.RuleID) {
				hits = append(hits, h)
			}
		}
	}
	for _, h := range e.spelledHits(text, toks, han, tr) {
		if !hasRule(hits, h.RuleID) {
			hits = append(hits, h)
		}
	}
	if len(hits) == 0 {
		return dst
	}
	out, order := sortedAppend(dst, hits, sc.order)
	sc.order = order
	return out
}

// verifyCandidates verifies the candidates of the segment's languages
// whose pattern keep accepts (nil: every one).
func (e *Engine) verifyCandidates(toks []analysis.Token, han bool, cands []int32, sc *scratch, all bool, keep func(*cpattern) bool, emit func(found)) {
	langs := segmentLangs(toks, han)
	for _, id := range cands {
		p := e.patterns[id]
		if keep != nil && !keep(p) {
			continue
		}
		if !inLangs(p, langs, han) {
			continue
		}
		e.verify(p, toks, han || p.rule.romanized, sc.pos[id], all, sc, emit)
	}
}

// verify tries start positions around where the anchor was seen. Each
// element before the anchor spans at most slop+4 tokens (a Latin element
// spelled letter by letter), hence the lower bound.
func (e *Engine) verify(p *cpattern, toks []analysis.Token, han bool, pos [2]int32, all bool, sc *scratch, emit func(found)) {
	v := verifier{p: p, toks: toks, py: e.py, han: han}
	lo := max(0, int(pos[0])-p.anchor*(p.slop+4))
	matched := false
	for k := lo; k <= int(pos[1]) && k < len(toks); k++ {
		sp, ok := v.at(k)
		if !ok {
			continue
		}
		sp.score = max(0.05, sp.score*(1-slopPenalty*float64(sp.gaps)))
		f := found{p: p, sp: sp, cand: true}
		f.why = e.cancelled(p, toks, han, sp, sc)
		matched = true
		emit(f)
		if f.why == "" && !all {
			return
		}
		k = max(k, sp.e-1) // next occurrence starts after this one
	}
	if all && !matched {
		emit(found{p: p, cand: true, why: "no match", sp: span{s: -1}})
	}
}

// cancelled returns why an occurrence does not count, or "". han says
// whether the segment has Han characters (see latinAsChinese).
//
// sc, when not nil, holds the keys the segment's tokens emit: an exact
// exception with an element whose keys do not occur cannot match and is
// skipped.
func (e *Engine) cancelled(p *cpattern, toks []analysis.Token, han bool, sp span, sc *scratch) string {
	if why := p.guards.blocked(toks, sp.s, sp.e); why != "" {
		return "guard " + why
	}
	if why := shortLatin(p, toks, sp); why != "" {
		return "guard " + why
	}
	if a := allowedAround(p.rule, toks, e, han, sp); a != nil {
		return "allow " + quote(a.src)
	}
	for _, x := range p.rule.exceptions {
		if sc != nil && !e.noIndex && !sc.allSeen(x.gate) {
			continue
		}
		lo, hi := sp.s-x.window, sp.e+x.window
		v := verifier{p: x.p, toks: toks, py: e.py, han: han}
		for k := max(0, lo); k < min(hi, len(toks)); k++ {
			if xs, ok := v.at(k); ok && xs.e <= hi {
				return "exception " + quote(x.p.src)
			}
		}
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }

// allowedAround returns the allowed phrase of r (its own, then the
// lexicon's) that has an occurrence covering the tokens [sp.s, sp.e), or
// nil. Allowed phrases are exact, so an occurrence starting at k covers
// len(elems) tokens: it can only start within that many tokens before the
// hit.
func allowedAround(r *crule, toks []analysis.Token, e *Engine, han bool, sp span) *cpattern {
	if r == nil || sp.s < 0 {
		return nil
	}
	for _, a := range r.allow {
		v := verifier{p: a, toks: toks, py: e.py, han: han}
		for k := max(0, sp.s-len(a.elems)+1); k <= sp.s; k++ {
			if as, ok := v.at(k); ok && as.e >= sp.e {
				return a
			}
		}
	}
	return nil
}

// hit builds the Hit for an occurrence; MatchedText is the original span.
func (e *Engine) hit(f found, text string, toks []analysis.Token) Hit {
	bs, be := toks[f.sp.s].Start, toks[f.sp.e-1].End
	return Hit{HitRule: f.p.hitRule(f.sp.via), MatchedText: text[bs:be], Score: f.sp.score,
		Start: time.Duration(bs), End: time.Duration(be)}
}

// locate turns the byte offsets that hit() parks in Start/End into stream
// time: the words overlapping the span, else the utterance bounds.
func locate(hits []Hit, text string, h transcript.Hypothesis) {
	spans := wordSpans(text, h.Words)
	for i := range hits {
		bs, be := int(hits[i].Start), int(hits[i].End)
		hits[i].Start, hits[i].End = h.Start, h.End
		first := true
		for j, ws := range spans {
			if ws[0] < 0 || ws[1] <= bs || ws[0] >= be {
				continue
			}
			if first {
				hits[i].Start, first = h.Words[j].Start, false
			}
			hits[i].End = h.Words[j].End
		}
	}
}

// wordSpans finds each word's byte range in text, in order; -1 when a word
// cannot be found (the recognizer's text and words disagree).
func wordSpans(text string, words []transcript.Word) [][2]int {
	spans := make([][2]int, len(words))
	cur := 0
	for i, w := range words {
		spans[i] = [2]int{-1, -1}
		t := strings.TrimSpace(w.Text)
		if t == "" {
			continue
		}
		if k := strings.Index(text[cur:], t); k >= 0 {
			spans[i] = [2]int{cur + k, cur + k + len(t)}
			cur += k + len(t)
		}
	}
	return spans
}

// Language bits of rules and segments.
const (
	langZh uint8 = 1 << iota
	langEn
)

// segmentLangs is the language set a segment selects rules by: zh with Han
// characters or a Chinese-only spelling (vx, weixin), en with Latin words,
// both when mixed, and every language when it has neither (digits only).
// inLangs reports whether pattern p's rule applies to a segment of
// languages langs (segmentLangs): a romanized rule's Chinese applies to
// Latin text too (Rule.Romanized).
func inLangs(p *cpattern, langs uint8, han bool) bool {
	ph := han || p.rule.romanized
	return p.langs&langs != 0 || ph && p.langs&langZh != 0
}

func segmentLangs(toks []analysis.Token, han bool) uint8 {
	var l uint8
	if han {
		l |= langZh
	}
	for i := range toks {
		if toks[i].Kind == analysis.Word {
			l |= langEn
			break
		}
	}
	if l == 0 {
		l = langZh | langEn
	}
	return l
}

func ruleLangs(r *Rule) uint8 {
	var l uint8
	for _, s := range r.Languages {
		switch s {
		case "zh":
			l |= langZh
		case "en":
			l |= langEn
		}
	}
	if l == 0 { // not validated (built in code): match everywhere
		l = langZh | langEn
	}
	return l
}
