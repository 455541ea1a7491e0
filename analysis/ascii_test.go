package analysis

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// checkASCIIScanner compares the ASCIIScanner's tokens of s with
// Tokenize's: the same tokens (kind, text, span), fillers dropped, and,
// for a token with no Numeric neighbour, the same digit reading. Past a
// byte that is not ASCII the scanner must say so.
func checkASCIIScanner(t *testing.T, s string) {
	t.Helper()
	var z ASCIIScanner
	z.Reset(s)
	type got struct {
		tok ASCIIToken
		r   Reading
	}
	var gs []got
	for {
		tok, r, ok := z.NextToken()
		if !ok {
			break
		}
		if p, n := z.Packed(); tok.Kind == Word && (n != len(tok.Text) || p != pack8(tok.Text)) {
			t.Fatalf("%q: word %q packed as %#x, length %d", s, tok.Text, p, n)
		}
		gs = append(gs, got{ASCIIToken{Text: strings.Clone(tok.Text), Start: tok.Start, End: tok.End, Kind: tok.Kind}, r})
	}
	cut := firstNonASCII(s)
	if z.NonASCII() != (cut < len(s)) {
		t.Fatalf("%q: NonASCII %v, first non-ASCII byte at %d", s, z.NonASCII(), cut)
	}
	want := Tokenize(s[:cut])
	if len(gs) != len(want) {
		t.Fatalf("%q: scanner %d tokens %+v, Tokenize %d %q", s, len(gs), gs, len(want), tokenView(want))
	}
	for i, w := range want {
		g := gs[i]
		if g.tok.Text != w.Text || int(g.tok.Start) != w.Start || int(g.tok.End) != w.End || g.tok.Kind != w.Kind {
			t.Fatalf("%q token %d: scanner %+v, Tokenize %+v", s, i, g.tok, w)
		}
		if g.r.Numeric != ReadsWithNext(&w) {
			t.Fatalf("%q token %d (%s): scanner Numeric %v, Tokenize digits %q", s, i, w.Text, g.r.Numeric, w.Digits)
		}
		alone := (i == 0 || !gs[i-1].r.Numeric) && (i+1 == len(gs) || !gs[i+1].r.Numeric)
		if alone && (g.r.Digits != w.Digits || g.r.Compound != w.Compound) {
			t.Fatalf("%q token %d (%s) alone: scanner reads %q compound %v, Tokenize %q compound %v",
				s, i, w.Text, g.r.Digits, g.r.Compound, w.Digits, w.Compound)
		}
	}
}

// pack8 is Packed's integer of a normalized word, byte by byte.
func pack8(w string) uint64 {
	var p uint64
	for i := 0; i < len(w) && i < 8; i++ {
		p |= uint64(w[i]) << (8 * i)
	}
	return p
}

// TestASCIIScannerEqualsTokenize is the differential test of the scanner
// against Tokenize over random ASCII texts: capitals, apostrophes,
// fillers, digits, number, digit and repeat words alone and together,
// punctuation, and a byte that is not ASCII now and then.
func TestASCIIScannerEqualsTokenize(t *testing.T) {
	pool := strings.Fields("buy NOW Don't it's a'b 'x y' um uh UMM er hmm eight 8 one 1 twenty oh OH five " +
		"whatsapp WhatsApp whats'app abcdefgh abcdefghi ABCDEFGHIJ pre'orders " +
		"double triple hundred ten Thirteen 3 12 007 x1y2 ABC'DEF , . ! ? - ' '' café")
	rng := rand.New(rand.NewPCG(7, 8))
	for range 3000 {
		var b strings.Builder
		for i := range rng.IntN(20) {
			if i > 0 && rng.IntN(4) > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(pool[rng.IntN(len(pool))])
		}
		checkASCIIScanner(t, b.String())
	}
	for _, s := range []string{"", " ", "a", "A", "9", "um", "'", "a'", "'a", "Zz'zZ", "x\xffy", "twenty one", "oh five"} {
		checkASCIIScanner(t, s)
	}
}

// FuzzASCIIScanner is TestASCIIScannerEqualsTokenize over fuzzed texts.
func FuzzASCIIScanner(f *testing.F) {
	for _, s := range []string{"Call ME at 555-0199, don't wait", "oh five oh double seven", "twenty one HUNDRED",
		"um so uh DM me", "a'b 'x y' it's 3am 4u", "x1y2z3 ABC'DEF", "triple eight nine", "加 buy"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkASCIIScanner(t, s) })
}

func ExampleASCIIScanner() {
	var z ASCIIScanner
	z.Reset("Um, DON'T buy 2 for twenty")
	for {
		t, r, ok := z.NextToken()
		if !ok {
			break
		}
		fmt.Printf("%s %d-%d numeric=%v digits=%q\n", t.Text, t.Start, t.End, r.Numeric, r.Digits)
	}
	// Output:
	// dont 4-9 numeric=false digits=""
	// buy 10-13 numeric=false digits=""
	// 2 14-15 numeric=true digits="2"
	// for 16-19 numeric=false digits=""
	// twenty 20-26 numeric=true digits="20"
}

// checkHanScanner compares the HanScanner's tokens of s with Tokenize's:
// up to a digit or a letter that is not Han, where it must stop, the same
// Han tokens (character, span), and for a token with no Numeric neighbour
// the same digit reading.
func checkHanScanner(t *testing.T, s string) {
	t.Helper()
	var z HanScanner
	rs := NormalizeRunes(s, nil)
	z.Reset(rs)
	var got []Rune
	for z.Next() {
		got = append(got, z.Rune())
	}
	want := Tokenize(s)
	if !z.Stopped() {
		if len(got) != len(want) {
			t.Fatalf("%q: scanner %d tokens, Tokenize %q", s, len(got), tokenView(want))
		}
	}
	for i, r := range got {
		if i >= len(want) {
			t.Fatalf("%q: scanner token %d past Tokenize's %q", s, i, tokenView(want))
		}
		w := want[i]
		if w.Kind != Han || w.Han != r.R || w.Start != r.Start || w.End != r.End {
			t.Fatalf("%q token %d: scanner %+v, Tokenize %+v", s, i, r, w)
		}
		rd := ReadHanAlone(r.R)
		if rd.Numeric != ReadsWithNext(&w) {
			t.Fatalf("%q token %d (%c): Numeric %v, Tokenize %+v", s, i, r.R, rd.Numeric, w)
		}
		num := func(j int) bool {
			return j >= 0 && j < len(want) && ReadsWithNext(&want[j])
		}
		if !num(i-1) && !num(i+1) && (rd.Digits != w.Digits || rd.Compound != w.Compound) {
			t.Fatalf("%q token %d (%c) alone: reads %q compound %v, Tokenize %q compound %v",
				s, i, r.R, rd.Digits, rd.Compound, w.Digits, w.Compound)
		}
	}
}

// TestHanScannerEqualsTokenize is the differential test of the Han
// scanner against Tokenize: characters, traditional ones and phrases
// OpenCC converts, fillers, numerals alone and together, punctuation,
// full-width forms, and now and then a digit or a letter (where it stops).
func TestHanScannerEqualsTokenize(t *testing.T) {
	pool := strings.Fields("加 我 微 信 威 這 个 最 好 的 一 二 八 十 两 三 百 万 幺 〇 嗯 啊 價 帳 號 醫療 反覆 ， 。 ！ 、 　 · " +
		"㐀 𠀀 ＶＸ V 8 ８ a ß")
	rng := rand.New(rand.NewPCG(9, 10))
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(20) {
			w := pool[rng.IntN(len(pool))]
			if strings.ContainsAny(w, "ＶＸV8８aß") && rng.IntN(4) > 0 {
				continue
			}
			b.WriteString(w)
		}
		checkHanScanner(t, b.String())
	}
}

// FuzzHanScanner is TestHanScannerEqualsTokenize over fuzzed texts.
func FuzzHanScanner(f *testing.F) {
	for _, s := range []string{"加我威信", "三十五万一千零八", "價格帳號", "嗯这个最好", "两个 一二三", "ＶＸ加", "\xff\xfe加"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkHanScanner(t, s) })
}
