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

// TestASCIIScannerEqualsTokenize is the differential test of the scanner
// against Tokenize over random ASCII texts: capitals, apostrophes,
// fillers, digits, number, digit and repeat words alone and together,
// punctuation, and a byte that is not ASCII now and then.
func TestASCIIScannerEqualsTokenize(t *testing.T) {
	pool := strings.Fields("buy NOW Don't it's a'b 'x y' um uh UMM er hmm eight 8 one 1 twenty oh OH five " +
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
