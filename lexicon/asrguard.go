package lexicon

import (
	"unicode/utf8"

	"github.com/earshot/earshot/analysis"
)

// Guards against false alarms on real ASR output. PocketSphinx and Kaldi
// transcripts of clean English contain short fragments ("ca" for "cart",
// "ya"), near-rhymes and misheard phrases; the fuzzy ways of matching
// (Latin read as Chinese, phone edit distance) must not turn those into
// violations.

// conventionalLatin are Latin spellings Chinese speakers and chat use for
// contact apps and that are never ordinary English words. They are read as
// Chinese (letters, typed pinyin, initials) even in a segment without Han
// characters.
var conventionalLatin = map[string]bool{
	"v": true, "q": true, "vx": true, "wx": true, "qq": true, "vxin": true,
	"weixin": true, "zfb": true, "zhifubao": true, "dy": true, "xhs": true,
	"pdd": true, "tb": true, "ks": true, "gzh": true,
}

// vowellessEnglish are English words and interjections without a, e, i,
// o or u that must not be read as pinyin initials.
var vowellessEnglish = map[string]bool{
	"by": true, "my": true, "why": true, "try": true, "fly": true, "dry": true,
	"cry": true, "shy": true, "sky": true, "spy": true, "gym": true, "hmm": true,
	"mm": true, "nth": true, "shh": true, "psst": true, "pst": true, "ply": true,
	"sly": true, "pry": true, "wry": true, "fry": true, "myth": true, "rhythm": true,
	"lynx": true, "crypt": true, "tryst": true, "hymn": true, "lymph": true,
	"nymph": true, "sync": true, "thy": true, "tv": true, "pc": true, "dvd": true,
	"cd": true, "mr": true, "mrs": true, "ms": true, "st": true, "dr": true,
	"xl": true, "xxl": true, "xs": true, "pm": true, "bff": true, "ty": true,
	"thx": true, "pls": true, "plz": true, "brb": true, "lmk": true, "ppl": true,
}

// chineseOnly are conventional spellings that only Chinese speakers use:
// one of them makes the segment Chinese for latinAsChinese ("jia weixin").
var chineseOnly = map[string]bool{"vx": true, "wx": true, "qq": true, "vxin": true,
	"weixin": true, "zfb": true, "zhifubao": true, "xhs": true, "pdd": true, "gzh": true}

// wordShapes is a quick "certainly not in set" test: bit n of first[c]
// (last[c]) is set when a word of the set has n letters and starts (ends)
// with c. Almost every word of a segment skips the map access.
type wordShapes struct{ first, last [256]uint64 }

func shapesOf(set map[string]bool) (ws wordShapes) {
	for w := range set {
		ws.first[w[0]] |= 1 << min(len(w), 63)
		ws.last[w[len(w)-1]] |= 1 << min(len(w), 63)
	}
	return ws
}

func (ws *wordShapes) in(set map[string]bool, w string) bool {
	if w == "" {
		return false
	}
	bit := uint64(1) << min(len(w), 63)
	return ws.first[w[0]]&bit != 0 && ws.last[w[len(w)-1]]&bit != 0 && set[w]
}

var chineseOnlyShapes, conventionalShapes = shapesOf(chineseOnly), shapesOf(conventionalLatin)

// chineseContext reports whether a segment is Chinese speech: it has Han
// characters or a Chinese-only Latin spelling.
func chineseContext(text string, toks []analysis.Token) bool {
	if analysis.HasHan(text) {
		return true
	}
	for i := range toks {
		if toks[i].Kind == analysis.Word && chineseOnlyShapes.in(chineseOnly, toks[i].Text) {
			return true
		}
	}
	return false
}

// latinAsChinese reports whether a Latin word may be read as Chinese
// (letters as syllables, typed pinyin, initials) against a Chinese pattern.
// In a Chinese segment (chineseContext) any word may: the speaker is speaking
// Chinese and the Latin is V信, QQ, typed pinyin. In an English-only
// segment only conventional spellings may, otherwise English words that
// happen to be pinyin ("you", "women", "ca" misheard for "cart", the
// article "a" as 爱) would fire Chinese rules.
func latinAsChinese(w string, han bool) bool {
	return han || conventionalShapes.in(conventionalLatin, w)
}

// initialsOK reports whether w may stand for pinyin initials (vx for 微信):
// a conventional abbreviation, or 2-6 letters without a vowel in a segment
// with Han characters that are not a vowel-less English word.
func initialsOK(w string, han bool) bool {
	if conventionalLatin[w] {
		return true
	}
	return han && abbreviation(w) && !vowellessEnglish[w]
}

// shortLatin cancels a fuzzy hit whose every token is a Latin word of one
// or two letters ("ya", "ca", "a"), when the rule's short_latin_guard is on
// (the default, except for private-goods rules: v, q, vx are the evasion). Such fragments are what ASR emits for noise and clipped
// words; they never prove a medical or price claim.
func shortLatin(p *cpattern, toks []analysis.Token, sp span) string {
	if p.rule == nil || !p.rule.shortLatin || sp.s < 0 || sp.e <= sp.s || sp.via == "exact" {
		return ""
	}
	for _, t := range toks[sp.s:sp.e] {
		if t.Kind != analysis.Word || utf8.RuneCountInString(t.Text) > 2 {
			return ""
		}
	}
	return "short latin fragment"
}

// Phonetic plausibility thresholds: short phrases have few phones, so a
// single substitution is a large part of them ("left in black" is 0.77 of
// "left in stock").
const (
	minPhoneticOneWord = 0.85 // a one-word phrase ("whatsapp" ~ "what's up")
	minPhoneticShort   = 0.78 // phrases of two or three words
	minPhoneticLong    = 0.80 // longer phrases
	shortPhraseWords   = 3
)

// functionWords do not anchor a phonetic match: "to the live" shares "the"
// with nothing that matters.
var functionWords = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "of": true, "in": true,
	"on": true, "at": true, "is": true, "it": true, "and": true, "or": true,
	"for": true, "me": true, "my": true, "you": true, "your": true, "we": true,
	"our": true, "i": true, "be": true, "are": true, "with": true, "by": true,
	"this": true, "that": true, "no": true, "not": true, "so": true, "up": true,
	"them": true, "they": true, "he": true, "she": true, "his": true, "her": true,
	"its": true, "us": true, "if": true, "as": true, "do": true, "can": true,
	"will": true, "have": true, "has": true, "was": true, "were": true, "there": true,
	"here": true, "then": true, "than": true, "from": true, "but": true, "all": true,
}

// phoneticImplausible returns why a phone match of p on the tokens at idx
// (the matched words) is not credible, or "". Matched words are aligned
// in order with the phrase words they equal (text or stem):
//   - a phrase of two or three words needs a content word in common and a
//     score of at least minPhoneticShort: "to the live" is not "only
//     today", "left in black" is not "left in stock";
//   - unless the phones are identical ("dee em me" for "d m me"), a
//     content word of the phrase may not be heard as function words
//     only: "them in the comments" is not "number in the comments";
//   - a one-word phrase needs minPhoneticOneWord, a longer phrase
//     minPhoneticLong;
//   - the words that differ may not all be function words: "the handle
//     is" is not "my handle is";
//   - the span may not begin with a phrase word other than the first or end
//     with one other than the last: "guaranteed to" is not "guaranteed to
//     grow" with "grow" dropped.
func phoneticImplausible(p *cpattern, toks []analysis.Token, idx []int, score float64) string {
	n := len(p.elems)
	if n == 0 || len(idx) == 0 {
		return ""
	}
	first, last, content := -1, -1, false
	anchored := make([]bool, n)
	spanContent := false // an unanchored content word in the span
	cur := 0
	for wi, ti := range idx {
		t := &toks[ti]
		hit := false
		for j := cur; j < n; j++ {
			el := &p.elems[j]
			if el.tok.Text != t.Text && el.tok.Stem != stemOf(t) {
				continue
			}
			if wi == 0 {
				first = j
			}
			if wi == len(idx)-1 {
				last = j
			}
			content = content || !functionWords[el.tok.Text]
			anchored[j], hit, cur = true, true, j+1
			break
		}
		if !hit && !functionWords[t.Text] {
			spanContent = true
		}
	}
	phraseContent := false  // an unanchored content word in the phrase
	phraseFunction := false // an unanchored function word in the phrase
	for j := range p.elems {
		if anchored[j] {
			continue
		}
		if functionWords[p.elems[j].tok.Text] {
			phraseFunction = true
		} else {
			phraseContent = true
		}
	}
	same := score >= 1 // identical phones: "dee em me" is "d m me"
	switch {
	case first > 0:
		return "phonetic: phrase start missing"
	case last >= 0 && last < n-1:
		return "phonetic: phrase end missing"
	case same:
		return ""
	case phraseContent && !spanContent:
		return "phonetic: content word heard as function words"
	case phraseFunction && !phraseContent:
		// Only function words differ: "the handle is" is not "my handle
		// is"; the pronoun is the claim, and ASR hears it fine.
		return "phonetic: only function words differ"
	case n == 1 && score < minPhoneticOneWord:
		return "phonetic: score too low for one word"
	case n > 1 && n <= shortPhraseWords && !content:
		return "phonetic: no content word in common"
	case n > 1 && n <= shortPhraseWords && score < minPhoneticShort:
		return "phonetic: score too low for a short phrase"
	case n > shortPhraseWords && score < minPhoneticLong:
		return "phonetic: score too low"
	}
	return ""
}
