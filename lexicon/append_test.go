package lexicon

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/transcript"
)

// appendHyps are the regression sentences of lexicon/defaults (every
// case file) as final hypotheses, each also with word timestamps and an
// n-best alternative (the previous sentence), so AppendMatch's locate and
// alternatives paths are compared too.
func appendHyps(t *testing.T) []transcript.Hypothesis {
	t.Helper()
	var hs []transcript.Hypothesis
	prev := ""
	for _, text := range regressionTexts(t) {
		hs = append(hs, transcript.Hypothesis{Text: text, Final: true})
		var ws []transcript.Word
		for i, w := range strings.Fields(text) {
			ws = append(ws, transcript.Word{Text: w, Start: time.Duration(i) * time.Second, End: time.Duration(i+1) * time.Second})
		}
		hs = append(hs, transcript.Hypothesis{Text: text, Words: ws, Alternatives: []string{prev},
			Start: time.Second, End: time.Minute})
		prev = text
	}
	return hs
}

// TestAppendMatchEqualsMatch: AppendMatch into one reused slice gives
// exactly Match's hits, for the shipped lexicon (the general paths) and
// a literal rule set (the literal ASCII and Han paths), and keeps what
// dst held before.
func TestAppendMatchEqualsMatch(t *testing.T) {
	hs := appendHyps(t)
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	// English from the small vocabulary: its rules occur densely in its
	// segments, so the comparison sees many hits.
	small := strings.Fields(benchWordsSmall)
	lit := benchRulesFrom(small, 1000, false, 42, true)
	for _, r := range benchRules(1000, true, 42, true).Rules {
		r.ID = "zh-" + r.ID
		lit.Rules = append(lit.Rules, r)
	}
	segs := append(benchSegmentsFrom(small, false, 7), benchSegments(true, 7)...)
	for _, s := range segs {
		hs = append(hs, transcript.Hypothesis{Text: s, Final: true})
	}
	for _, c := range []struct {
		name string
		lx   *Lexicon
	}{{"default", def}, {"literal", lit}} {
		t.Run(c.name, func(t *testing.T) {
			e, err := Compile(c.lx, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var dst []Hit
			total := 0
			for _, h := range hs {
				want := e.Match(h)
				dst = e.AppendMatch(dst[:0], h)
				if len(want) == 0 && len(dst) == 0 {
					continue
				}
				if !reflect.DeepEqual(dst, want) {
					t.Fatalf("%q:\n AppendMatch %+v\n Match       %+v", h.Text, dst, want)
				}
				total += len(want)
			}
			if total < 50 {
				t.Fatalf("only %d hits over %d hypotheses: the comparison exercises too little", total, len(hs))
			}
			// Appending keeps dst's hits in front of the new ones.
			h := hs[0]
			for _, x := range hs {
				if len(e.Match(x)) > 0 {
					h = x
				}
			}
			mark := Hit{HitRule: &HitRule{RuleID: "kept"}}
			got := e.AppendMatch([]Hit{mark}, h)
			if want := e.Match(h); len(want) == 0 || len(got) != 1+len(want) || got[0] != mark || !reflect.DeepEqual(got[1:], want) {
				t.Fatalf("AppendMatch([kept]) = %+v, want kept then %+v", got, want)
			}
		})
	}
}

// TestStreamAppendMatchEqualsMatch: a Stream's AppendMatch over growing
// partials gives Match's hits of each.
func TestStreamAppendMatchEqualsMatch(t *testing.T) {
	e := testDefaultEngine(t)
	_, en := utterances(t)
	var dst []Hit
	total := 0
	for _, u := range en {
		st := e.NewStream()
		ws := strings.Fields(u)
		for i := 1; i <= len(ws); i++ {
			h := transcript.Hypothesis{Text: strings.Join(ws[:i], " "), Final: i == len(ws)}
			want := e.Match(h)
			dst = st.AppendMatch(dst[:0], h)
			if (len(want) != 0 || len(dst) != 0) && !reflect.DeepEqual(dst, want) {
				t.Fatalf("%q:\n Stream.AppendMatch %+v\n Match              %+v", h.Text, dst, want)
			}
			total += len(want)
		}
	}
	if total == 0 {
		t.Fatal("no hits on the partials: the comparison exercises nothing")
	}
}
