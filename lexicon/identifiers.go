package lexicon

import (
	"strings"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// IdentifierKind names what an identifier heard on air is: the kinds,
// in the order pages list them.
type IdentifierKind string

// The kinds of contact identifiers Identifiers finds.
const (
	IDPhone    IdentifierKind = "phone"
	IDWeChat   IdentifierKind = "wechat"
	IDQQ       IdentifierKind = "qq"
	IDWhatsApp IdentifierKind = "whatsapp"
	IDTelegram IdentifierKind = "telegram"
	IDEmail    IdentifierKind = "email"
	IDURL      IdentifierKind = "url"
	IDHandle   IdentifierKind = "handle"
)

// IdentifierKinds lists every kind; the caller owns the slice.
func IdentifierKinds() []IdentifierKind {
	return []IdentifierKind{IDPhone, IDWeChat, IDQQ, IDWhatsApp, IDTelegram, IDEmail, IDURL, IDHandle}
}

// Identifier is a contact identifier read out or shown in a text: a phone
// number, a messenger id, an e-mail address, a web address or a handle
// spelled out.
type Identifier struct {
	Kind IdentifierKind
	// Value is the normalized identifier, the same however it was said:
	// digits only for numbers (13800138000 for 幺三八零零幺三八零零零 or
	// "one three eight double oh ..."), lower-case letters and digits
	// only for ids (lily_88 is lily88), user@domain.tld for e-mail, the host without www for a web
	// address. Two mentions of one identifier have one Value whatever
	// their kind, so a number said as a WeChat id and as a phone number
	// link.
	Value string
	// Start and End are the byte span in the text of what was said.
	Start, End int
}

// Bounds of an identifier: shorter ones are too common to link accounts
// (a price, a year), longer ones are not contact identifiers.
const (
	minPhoneDigits = 7
	minIDChars     = 5
	maxIDChars     = 32
	maxPhoneDigits = 15
	maxAddress     = 254 // RFC 5321's limit of a forward path
)

// Identifiers finds the contact identifiers in text with the tokens and
// spotters the contact and digits patterns use (emails, urls, handles,
// analysis.DigitRuns), plus messenger ids after their platform's name
// (微信 and its homophones, V信, vx, wechat; QQ, 扣扣; WhatsApp; Telegram,
// 电报, tg). It keeps no state and is safe for concurrent use; an
// IdentifierScanner does the same reusing its buffers.
func Identifiers(text string) []Identifier {
	z := analysis.Tokenizer{SkipStems: true} // no spotter reads stems
	return identifiersIn(text, z.Tokenize(text))
}

// identifiersOf is Identifiers on text's tokens.
func identifiersOf(text string, toks []analysis.Token) []Identifier {
	if len(toks) == 0 {
		return nil
	}
	used := make([]bool, len(toks))
	var out []Identifier
	add := func(kind IdentifierKind, value string, s, e int) {
		for i := s; i < e; i++ {
			used[i] = true
		}
		out = append(out, Identifier{Kind: kind, Value: value, Start: toks[s].Start, End: toks[e-1].End})
	}
	for _, sp := range emails(text, toks) {
		for { // lily.shop@qq.com, lily dot shop at ...: the contact pattern quotes shop@...
			if sp.s > 0 && label(&toks[sp.s-1]) && writtenJoin(gapBefore(text, toks, sp.s)) {
				sp.s--
			} else if sp.s > 1 && spokenDot(text, toks, sp.s-1) && label(&toks[sp.s-2]) {
				sp.s -= 2
			} else {
				break
			}
		}
		if v := addressValue(text, toks, sp.s, sp.e); strings.Contains(v, "@") && len(v) <= maxAddress {
			add(IDEmail, v, sp.s, sp.e)
		}
	}
	for _, sp := range urls(text, toks) {
		for sp.s > 0 && label(&toks[sp.s-1]) && gapBefore(text, toks, sp.s) == "-" {
			sp.s-- // lily-beauty.example.com: the domain spotter starts at beauty
		}
		if v := strings.TrimPrefix(addressValue(text, toks, sp.s, sp.e), "www."); len(v) <= maxAddress && !anyUsed(used, sp.s, sp.e) {
			add(IDURL, v, sp.s, sp.e)
		}
	}
	for i := 0; i < len(toks); i++ {
		kind, n := platformAt(toks, i)
		if n == 0 || used[i] {
			continue
		}
		k := skipFillers(toks, i+n)
		if v, e := idAt(text, toks, k); e > k && !anyUsed(used, k, e) {
			add(kind, v, k, e)
			i = e - 1
		}
	}
	for run := range analysis.DigitRuns(toks) {
		if run.Len >= minPhoneDigits && run.Len <= maxPhoneDigits+2 && !anyUsed(used, run.Start, run.End) {
			if v := phoneValue(digitsOf(toks, run.Start, run.End)); len(v) <= maxPhoneDigits {
				add(IDPhone, v, run.Start, run.End)
			}
		}
	}
	for _, sp := range handles(toks) {
		if v := spelled(toks, sp.s, sp.e); len(v) <= maxIDChars && !anyUsed(used, sp.s, sp.e) {
			add(IDHandle, v, sp.s, sp.e)
		}
	}
	return out
}

func anyUsed(used []bool, s, e int) bool {
	for i := s; i < e; i++ {
		if used[i] {
			return true
		}
	}
	return false
}

// addressValue is an e-mail or web address of tokens s..e with its marks
// written out: "john at gmail dot com" is john@gmail.com.
func addressValue(text string, toks []analysis.Token, s, e int) string {
	var b strings.Builder
	for i := s; i < e; {
		if c, n := mark(text, toks, i); i > s && c != 0 {
			b.WriteByte(c)
			i += n
			if n > 0 {
				continue
			}
		}
		if toks[i].Text == "w" && i+2 < e && toks[i+1].Text == "w" && toks[i+2].Text == "w" {
			b.WriteString("www")
			i += 3
			continue
		}
		if g := gapBefore(text, toks, i); i > s && writtenJoin(g) && g != "." {
			b.WriteString(g)
		}
		b.WriteString(toks[i].Text)
		i++
	}
	return b.String()
}

// spokenDot reports whether token i is a dot said out ("dot", 点).
func spokenDot(text string, toks []analysis.Token, i int) bool {
	c, n := mark(text, toks, i)
	return c == '.' && n == 1
}

// writtenJoin is a written mark inside an address's user name.
func writtenJoin(gap string) bool { return gap == "." || gap == "_" || gap == "-" }

// Syllables of 微信 and its homophones (威信, 薇信, V信: the letter v reads
// wei), looked up once.
var weiSyl, xinSyl = func() (pinyin.Syllable, pinyin.Syllable) {
	t := pinyin.Default()
	w, _ := t.Lookup("wei")
	x, _ := t.Lookup("xin")
	return w, x
}()

// platformWords are messenger names said as one Latin word.
var platformWords = map[string]IdentifierKind{
	"wechat": IDWeChat, "weixin": IDWeChat, "vx": IDWeChat, "wx": IDWeChat, "vchat": IDWeChat,
	"qq": IDQQ, "whatsapp": IDWhatsApp, "telegram": IDTelegram, "tg": IDTelegram,
	"douyin": IDHandle, "tiktok": IDHandle, "instagram": IDHandle, "kuaishou": IDHandle,
}

// platformAt reads a messenger's name at token i and returns its kind
// and length in tokens (0: none).
func platformAt(toks []analysis.Token, i int) (IdentifierKind, int) {
	t := &toks[i]
	if k, ok := platformWords[t.Text]; ok && t.Kind == analysis.Word {
		return k, 1
	}
	next := func(j int) *analysis.Token {
		if j < len(toks) {
			return &toks[j]
		}
		return nil
	}
	n := next(i + 1)
	switch {
	case n == nil:
		return "", 0
	case pinyin.Contains(t.Syllables, weiSyl) && n.Han != 0 && pinyin.Contains(n.Syllables, xinSyl):
		return IDWeChat, 2 // 微信, 威信, V信
	case t.Text == "we" && n.Text == "chat", t.Text == "whats" && n.Text == "app":
		if t.Text == "we" {
			return IDWeChat, 2
		}
		return IDWhatsApp, 2
	case t.Han == '扣' && n.Han == '扣', t.Text == "q" && n.Text == "q":
		return IDQQ, 2
	case t.Han == '电' && n.Han == '报':
		return IDTelegram, 2
	case (t.Text == "w" || t.Text == "v") && n.Text == "x" && (i == 0 || !oneChar(&toks[i-1])):
		return IDWeChat, 2 // "w x id ...", "v x": not inside a spelled-out run
	case t.Han == '抖' && n.Han == '音', t.Han == '快' && n.Han == '手':
		return IDHandle, 2 // 抖音号, 快手号: an account id follows
	}
	return "", 0
}

// fillers may stand between a messenger's name and the id: 号, 是, id,
// number, "is", a colon (not a token).
var fillers = map[string]bool{"号": true, "是": true, "id": true, "number": true, "is": true, "num": true,
	"账": true, "号码": true, "码": true, "搜": true, "加": true, "my": true, "me": true, "on": true, "at": true, "it": true}

func skipFillers(toks []analysis.Token, i int) int {
	for n := 0; i < len(toks) && n < 4 && fillers[toks[i].Text]; n++ {
		i++
	}
	return i
}

// idAt reads a messenger id at token i: a digit run (written or spoken),
// letters and digits written together (lily_88shop, john-88), or a run of
// single letters and digits read out (a b c 1 2 3). It returns the
// normalized id and the token after it (i: none).
func idAt(text string, toks []analysis.Token, i int) (string, int) {
	if i >= len(toks) {
		return "", i
	}
	if toks[i].IsDigit() && (toks[i].Kind != analysis.Number || !gluedNext(text, toks, i)) {
		j := i
		for j < len(toks) && toks[j].IsDigit() {
			j++
		}
		if d := digitsOf(toks, i, j); len(d) >= minIDChars && len(d) <= maxIDChars {
			return d, j
		}
		return "", i
	}
	var b strings.Builder
	j := i
	if oneChar(&toks[i]) && !gluedNext(text, toks, i) {
		for j < len(toks) && oneChar(&toks[j]) { // spelled out: a b c 1 2 3
			b.WriteString(charOf(&toks[j]))
			j++
		}
	} else {
		for j < len(toks) && label(&toks[j]) {
			b.WriteString(toks[j].Text)
			j++
			if j < len(toks) && !gluedNext(text, toks, j-1) {
				break
			}
		}
	}
	if j > i && !toks[j-1].IsDigit() && !functionWords[b.String()] && !numberWords[b.String()] {
		// Letters, then digits said apart or in another script: lily 8899,
		// lily eight eight nine nine, lily八八九九, l i l y 八 八 九 九.
		for k := j; k < len(toks) && toks[k].IsDigit() && !toks[k].Compound && strings.TrimSpace(gapBefore(text, toks, k)) == ""; k++ {
			b.WriteString(toks[k].Digits)
			j = k + 1
		}
	}
	v := strings.TrimRight(b.String(), "_")
	if len(v) < minIDChars || len(v) > maxIDChars || functionWords[v] {
		return "", i
	}
	return v, j
}

// numberWords may stand before the digits of a number and are no part of
// an id: "plus eight six ..." is a phone number, not the id plus86....
var numberWords = map[string]bool{"plus": true, "call": true, "dial": true, "phone": true, "tel": true,
	"double": true, "triple": true, "number": true}

// gluedNext reports whether token i+1 follows token i with nothing between
// them but one of _ - . (lily_88, john-88, abc123).
func gluedNext(text string, toks []analysis.Token, i int) bool {
	if i+1 >= len(toks) || !label(&toks[i+1]) {
		return false
	}
	gap := gapBefore(text, toks, i+1)
	return gap == "" || gap == "_" || gap == "-" || gap == "."
}

// charOf is the character a one-character token spells: its letter, or
// the digit a digit word reads as.
func charOf(t *analysis.Token) string {
	if t.Digits != "" {
		return t.Digits
	}
	return t.Text
}

// spelled is the handle a run of one-character tokens spells.
func spelled(toks []analysis.Token, s, e int) string {
	var b strings.Builder
	for i := s; i < e; i++ {
		b.WriteString(charOf(&toks[i]))
	}
	return b.String()
}

func digitsOf(toks []analysis.Token, s, e int) string {
	var b strings.Builder
	for i := s; i < e; i++ {
		b.WriteString(toks[i].Digits)
	}
	return b.String()
}

// phoneValue drops the country code of a Chinese mobile number (+86 138...,
// 0086 138...), so a number said with and without it is one identifier.
func phoneValue(d string) string {
	for _, cc := range []string{"0086", "86"} {
		if rest, ok := strings.CutPrefix(d, cc); ok && len(rest) == 11 && rest[0] == '1' {
			return rest
		}
	}
	return d
}

// NormalizeIdentifier is the Value of an identifier typed by staff (a
// brand's hotline to mark benign, a number to look up): the one
// identifier Identifiers finds in s when it covers all of s but spaces and
// marks, else digits only for a number ("400-820-8820", "+86 138 0013
// 8000"), else s lower-cased without spaces, "www." and marks other than
// '@' and '.' (a bare id: ABC_123 is abc123). It returns "" for s with
// no letter or digit.
func NormalizeIdentifier(s string) string {
	s = strings.TrimSpace(s)
	if ids := Identifiers(s); len(ids) == 1 && strings.TrimFunc(s[:ids[0].Start]+s[ids[0].End:], notAlnum) == "" {
		return ids[0].Value
	}
	if strings.TrimFunc(s, func(r rune) bool { return strings.ContainsRune("+-() .0123456789", r) }) == "" {
		if d := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return r
			}
			return -1
		}, s); d != "" {
			return phoneValue(d)
		}
	}
	v := strings.Map(func(r rune) rune {
		switch {
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '@', r == '.':
			return r
		}
		return -1
	}, s)
	v = strings.TrimPrefix(v, "www.")
	if strings.Trim(v, "@.") == "" {
		return ""
	}
	return v
}

func notAlnum(r rune) bool {
	return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r > 0x7f)
}
