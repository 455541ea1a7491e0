package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
)

// Contact handles: an anchor reads out an e-mail address, a web address or
// an account id so buyers can trade off the platform. Tokenizing drops
// '@' and '.', so the scanner reads the marks between tokens from the
// text, and the spoken ones from the tokens: "at", 艾特 for @; "dot", 点
// for a dot. A handle read letter by letter ("j o h n 8 8") is a run of
// one-character tokens.

// topLevel are the domain endings an address is recognized by.
var topLevel = map[string]bool{"com": true, "cn": true, "net": true, "org": true, "io": true,
	"co": true, "me": true, "cc": true, "hk": true, "tw": true, "us": true, "uk": true,
	"xyz": true, "top": true, "shop": true, "store": true, "info": true, "biz": true, "app": true}

// Minimum run of one-character tokens that is a spelled-out account id,
// and how many of them must be letters (digits alone are digits patterns).
const (
	minHandleRun     = 6
	minHandleLetters = 3
)

// matchContacts fires contact patterns on the addresses and spelled ids
// in toks; text is what toks were cut from.
func (e *Engine) matchContacts(text string, toks []analysis.Token, han bool, sc *scratch, emit func(found)) {
	langs := segmentLangs(toks, han)
	pats := sc.cpats[:0]
	for _, p := range e.contactPats {
		if inLangs(p, langs, han) { // as digits: the rule's languages hold
			pats = append(pats, p)
		}
	}
	sc.cpats = pats
	if len(pats) == 0 {
		return // and the text is not read for addresses at all
	}
	var mails, webs []span
	if mayMark(text, toks) {
		view, from := contactView(toks)
		if anyMark(text, view) { // every address has an @ or a dot, written or spoken
			mails = emails(text, view)
			webs = toSource(outside(urls(text, view), mails), from)
			mails = toSource(mails, from)
		}
	}
	for _, p := range pats {
		var spans []span
		switch p.contact {
		case "email":
			spans = mails
		case "url":
			spans = webs
		case "handle":
			spans = handles(toks)
		}
		for _, sp := range spans {
			emit(found{p: p, sp: sp, why: e.cancelled(p, toks, han, sp, sc)})
		}
	}
}

// mark reads the separator before token i: '@' or '.' written between
// tokens, "at"/艾特 or "dot"/点 spoken (a spoken mark is n tokens), else 0.
func mark(text string, toks []analysis.Token, i int) (c byte, n int) {
	if i > 0 && i <= len(toks) && markGap(text, toks, i) {
		gap := strings.TrimSpace(gapBefore(text, toks, i))
		switch gap {
		case "@", "＠":
			return '@', 0
		case ".", "。", "．":
			return '.', 0
		}
	}
	if i >= len(toks) {
		return 0, 0
	}
	t := &toks[i]
	switch {
	case t.Kind == analysis.Word && t.Text == "at":
		return '@', 1
	case t.Kind == analysis.Word && t.Text == "dot":
		return '.', 1
	case t.Han == '点':
		return '.', 1
	case (t.Han == '艾' || t.Han == '爱') && i+1 < len(toks) && toks[i+1].Han == '特':
		return '@', 2 // 爱特 is how ASR writes 艾特 as often
	case t.Han == '圈' && i+1 < len(toks) && toks[i+1].Text == "a":
		return '@', 2 // 圈a: the a in a circle
	}
	return 0, 0
}

// markGap reports whether the gap before token i can hold a written mark:
// most gaps are nothing or one space, which trim to nothing.
func markGap(text string, toks []analysis.Token, i int) bool {
	start, end := toks[i-1].End, len(text)
	if i < len(toks) {
		end = toks[i].Start
	}
	return end-start > 1 || end-start == 1 && text[start] != ' '
}

// mayMark is anyMark's cheap first look, before contactView: true for
// any text whose view can hold a mark. Besides what anyMark reads, a
// view joins letters spelled one by one ("d o t") and splits dotcom.
func mayMark(text string, toks []analysis.Token) bool {
	if written(text) {
		return true
	}
	for i := range toks {
		t := &toks[i]
		if t.Kind == analysis.Word {
			switch t.Text {
			case "at", "dot", "dotcom", "dotcn", "d":
				return true
			}
		} else if t.Han == '点' || t.Han == '艾' || t.Han == '爱' || t.Han == '圈' {
			return true
		}
	}
	return false
}

// written reports whether text holds a written @ or dot, in one of the
// forms mark reads. (strings.ContainsAny with non-ASCII runes decodes the
// whole text; these searches are the fast byte ones.)
func written(text string) bool {
	return strings.IndexByte(text, '@') >= 0 || strings.IndexByte(text, '.') >= 0 ||
		strings.Contains(text, "＠") || strings.Contains(text, "。") || strings.Contains(text, "．")
}

// anyMark reports whether some token of toks has a mark before it (mark):
// every address has an @ or a dot, written or spoken. A written one is
// looked for once in the whole text, not in each gap.
func anyMark(text string, toks []analysis.Token) bool {
	w := written(text)
	for i := 0; i <= len(toks); i++ {
		if w {
			if c, _ := mark(text, toks, i); c != 0 {
				return true
			}
			continue
		}
		if i == len(toks) {
			break
		}
		t := &toks[i]
		if t.Kind == analysis.Word && (t.Text == "at" || t.Text == "dot") || t.Han == '点' || t.Han == '艾' || t.Han == '爱' || t.Han == '圈' {
			return true // what mark reads as a spoken @ or dot starts so
		}
	}
	return false
}

// gapBefore is the text between token i-1 and token i (the end of text
// for i == len(toks)). It is empty where their spans touch or overlap:
// one source rune read as several tokens (¼ is 1/4) gives tokens that
// share its span.
func gapBefore(text string, toks []analysis.Token, i int) string {
	if i <= 0 || i > len(toks) {
		return ""
	}
	start, end := toks[i-1].End, len(text)
	if i < len(toks) {
		end = toks[i].Start
	}
	if start >= end || end > len(text) {
		return ""
	}
	return text[start:end]
}

// label is a domain or user label: a Latin word or a number.
func label(t *analysis.Token) bool { return t.Kind == analysis.Word || t.Kind == analysis.Number }

// domainAt reads "label (dot label)* dot tld" starting at token i and
// returns the token after it and how many labels it had (0: none).
func domainAt(text string, toks []analysis.Token, i int) (end, labels int) {
	for i < len(toks) && label(&toks[i]) {
		j := i + 1
		c, n := mark(text, toks, j)
		if c != '.' || j+n >= len(toks) || !label(&toks[j+n]) {
			break
		}
		labels++
		i = j + n
		if topLevel[toks[i].Text] {
			end = i + 1
			if c2, _ := mark(text, toks, i+1); c2 != '.' {
				return end, labels
			}
		}
	}
	return end, labels
}

// emails finds "user at domain dot tld", spoken or written.
func emails(text string, toks []analysis.Token) []span {
	var out []span
	for i := 1; i < len(toks); i++ {
		c, n := mark(text, toks, i)
		if c != '@' || !userLabel(&toks[i-1]) {
			continue
		}
		end, labels := domainAt(text, toks, i+n)
		if (labels == 0 || end == 0) && i+n < len(toks) && mailHosts[toks[i+n].Text] && toks[i+n].Text != "outlook" && !functionWords[toks[i-1].Text] {
			end, labels = i+n+1, 1 // lily at gmail: the provider names the address
		}
		if labels == 0 || end == 0 {
			continue
		}
		out = append(out, span{s: userStart(text, toks, i-1), e: end, via: "contact", score: 0.9})
		i = end - 1
	}
	return out
}

// userLabel is a token an e-mail user name is made of: a label, or a digit
// said in Chinese (幺三八 艾特 qq 点 com: a QQ number's address).
func userLabel(t *analysis.Token) bool { return label(t) || (t.Han != 0 && t.IsDigit()) }

// userStart walks back from token last, the end of a user name, over what
// the name is made of: characters spelled one by one (j o h n, one two
// three) and labels joined by a dot, an underscore or a dash, written
// (lily.shop, lily_shop) or said (john dot smith, john underscore smith,
// lily 下划线 shop). It returns the name's first token.
func userStart(text string, toks []analysis.Token, last int) int {
	start := last
	for start > 0 {
		if oneChar(&toks[start]) && oneChar(&toks[start-1]) {
			start--
			continue
		}
		n, ok := joinerBefore(text, toks, start)
		if !ok || start-1-n < 0 || !userLabel(&toks[start-1-n]) {
			break
		}
		start -= 1 + n
	}
	return start
}

// joinerBefore reports whether a separator of a user name comes right
// before token i, and how many tokens it is (0 when written).
func joinerBefore(text string, toks []analysis.Token, i int) (n int, ok bool) {
	switch strings.TrimSpace(gapBefore(text, toks, i)) {
	case ".", "_", "-", "．", "＿":
		return 0, true
	}
	if i < 2 {
		return 0, false
	}
	switch t := &toks[i-1]; {
	case t.Kind == analysis.Word && (t.Text == "dot" || t.Text == "underscore" || t.Text == "dash" || t.Text == "hyphen"):
		return 1, true
	case t.Han == '点':
		return 1, true
	case t.Han == '线' && i >= 4 && toks[i-3].Han == '下' && toks[i-2].Han == '划':
		return 3, true
	}
	return 0, false
}

// outside keeps the spans of ss that overlap none of not: a web address
// inside an e-mail address (its domain, a dotted user name) is that
// address, already a hit of its own.
func outside(ss, not []span) []span {
	if len(not) == 0 {
		return ss
	}
	out := ss[:0]
	for _, s := range ss {
		clear := true
		for _, n := range not {
			clear = clear && (s.e <= n.s || s.s >= n.e)
		}
		if clear {
			out = append(out, s)
		}
	}
	return out
}

// urls finds "www dot name dot tld" (www also spoken w w w or 三w), and
// "name dot tld" when the dot is written or said.
func urls(text string, toks []analysis.Token) []span {
	var out []span
	for i := 0; i < len(toks); i++ {
		start := i
		if c, _ := mark(text, toks, i); c == '@' && i > 0 {
			continue // part of an e-mail address
		}
		if i+2 < len(toks) && toks[i].Text == "w" && toks[i+1].Text == "w" && toks[i+2].Text == "w" {
			i += 2 // w w w: read as one label
			toks := append([]analysis.Token(nil), toks...)
			toks[i].Text = "www"
			end, labels := domainAt(text, toks, i)
			if end == 0 {
				end, labels = wwwName(text, toks, i)
			}
			if labels > 0 && end > 0 {
				out = append(out, span{s: start, e: end, via: "contact", score: 0.9})
				i = end - 1
			}
			continue
		}
		if !label(&toks[i]) {
			continue
		}
		end, labels := domainAt(text, toks, i)
		if end == 0 && toks[i].Text == "www" {
			end, labels = wwwName(text, toks, i)
		}
		if labels == 0 || end == 0 {
			continue
		}
		if _, n := mark(text, toks, i+1); labels == 1 && n > 0 && (functionWords[toks[i].Text] || len(toks[i].Text) < 3) {
			continue // "the dot com bubble": a spoken dot after a common word
		}
		out = append(out, span{s: start, e: end, via: "contact", score: 0.9})
		i = end - 1
	}
	return out
}

// wwwName reads "www dot name" with no suffix said at toks[i] (www):
// the prefix alone shows a web address.
func wwwName(text string, toks []analysis.Token, i int) (end, labels int) {
	c, n := mark(text, toks, i+1)
	if c != '.' || i+1+n >= len(toks) || !label(&toks[i+1+n]) {
		return 0, 0
	}
	name := i + 1 + n
	for j := name; j < len(toks) && j < name+3 && label(&toks[j]); j++ {
		if end, labels := domainAt(text, toks, j); end > 0 {
			return end, labels // www dot lily shop dot com: a name said in words
		}
	}
	return name + 1, 1
}

// mailHosts are the e-mail providers whose name after "at" is an address
// even with no suffix said (lily at gmail); not outlook, which is also a
// word (we met at outlook point) and needs its suffix.
var mailHosts = map[string]bool{"gmail": true, "hotmail": true, "outlook": true, "yahoo": true,
	"icloud": true, "qq": true, "163": true, "126": true, "foxmail": true, "sina": true,
	"protonmail": true, "aol": true}

// handles finds account ids read one character at a time.
func handles(toks []analysis.Token) []span {
	var out []span
	for i := 0; i < len(toks); {
		j, letters := i, 0
		for j < len(toks) && oneChar(&toks[j]) {
			if toks[j].Kind == analysis.Word {
				letters++
			}
			j++
		}
		if j-i >= minHandleRun && letters >= minHandleLetters {
			out = append(out, span{s: i, e: j, via: "contact", score: 0.85})
		}
		i = max(j, i+1)
	}
	return out
}

// oneChar is a token of one Latin letter or one digit (8, eight, 八).
func oneChar(t *analysis.Token) bool {
	switch t.Kind {
	case analysis.Word:
		if len(t.Text) == 1 && t.Text[0] >= 'a' && t.Text[0] <= 'z' {
			return true
		}
		return len(t.Digits) == 1 && !t.Compound // "eight" read out
	case analysis.Number:
		return len(t.Text) == 1
	case analysis.Han:
		return t.IsDigit() && len(t.Digits) == 1 // 八 read out
	}
	return false
}
