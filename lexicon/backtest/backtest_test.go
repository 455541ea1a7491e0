package backtest

import (
	"context"
	"testing"
	"time"

	"github.com/earshot/earshot/lexicon"
)

// bruteForce rescans every record rule by rule, with one single-rule
// engine per rule, and returns "record|rule" sets per version.
func bruteForce(src sliceSource, lx *lexicon.Lexicon) map[string]bool {
	out := map[string]bool{}
	for i := range lx.Rules {
		one := *lx
		one.Rules = lx.Rules[i : i+1]
		eng := mustCompile(&one)
		for _, r := range src {
			if len(eng.MatchText(r.Text)) > 0 {
				out[keyOf(r.ID, lx.Rules[i].ID)] = true
			}
		}
	}
	return out
}

func TestRunMatchesBruteForce(t *testing.T) {
	liveLx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	draftLx := draftOf(liveLx)
	src := corpus(200)
	rep, err := Run(context.Background(), src, mustCompile(liveLx), mustCompile(draftLx),
		t0, t0.Add(time.Hour), Options{Workers: 3, Examples: 2})
	if err != nil {
		t.Fatal(err)
	}
	live, draft := bruteForce(src, liveLx), bruteForce(src, draftLx)
	gained, lost := map[string]int{}, map[string]int{}
	for k := range draft {
		if !live[k] {
			gained[ruleOf(k)]++
		}
	}
	for k := range live {
		if !draft[k] {
			lost[ruleOf(k)]++
		}
	}
	if rep.Utterances != len(src) || rep.LiveHits != len(live) || rep.DraftHits != len(draft) {
		t.Fatalf("totals: report %d utt, live %d, draft %d; brute force live %d, draft %d",
			rep.Utterances, rep.LiveHits, rep.DraftHits, len(live), len(draft))
	}
	sum := func(m map[string]int) (n int) {
		for _, v := range m {
			n += v
		}
		return n
	}
	if rep.Gained != sum(gained) || rep.Lost != sum(lost) || rep.Gained == 0 || rep.Lost == 0 {
		t.Fatalf("gained %d lost %d, brute force %d %d", rep.Gained, rep.Lost, sum(gained), sum(lost))
	}
	for _, r := range rep.Rules {
		if r.Gained != gained[r.RuleID] || r.Lost != lost[r.RuleID] {
			t.Errorf("rule %s: +%d -%d, brute force +%d -%d", r.RuleID, r.Gained, r.Lost, gained[r.RuleID], lost[r.RuleID])
		}
		if r.Gained+r.Lost > 0 && len(r.Examples) == 0 {
			t.Errorf("rule %s changed but has no example", r.RuleID)
		}
		for _, e := range r.Examples {
			if e.RecordID == "" || e.Text == "" {
				t.Errorf("example without a link: %+v", e)
			}
		}
	}
}

func ruleOf(k string) string {
	for i := len(k) - 1; i >= 0; i-- {
		if k[i] == '|' {
			return k[i+1:]
		}
	}
	return k
}

type fixedDispositions []Disposition

func (f fixedDispositions) Dispositions(context.Context, time.Time, time.Time) ([]Disposition, error) {
	return f, nil
}

func TestDispositions(t *testing.T) {
	liveLx, _ := lexicon.Default()
	draftLx := draftOf(liveLx)
	src := corpus(len(sentences))
	live, draft := mustCompile(liveLx), mustCompile(draftLx)
	var ds fixedDispositions
	want := DispositionDiff{Available: true}
	for i, r := range src {
		for _, h := range live.MatchText(r.Text) {
			verdict := Confirmed
			if i%2 == 1 {
				verdict = Dismissed
			}
			ds = append(ds, Disposition{Room: r.Room, Session: r.Session, Utterance: r.Utterance, RuleID: h.RuleID, Verdict: verdict})
			raised := find(draft.MatchText(r.Text), h.RuleID) >= 0
			switch {
			case verdict == Confirmed && !raised:
				want.ConfirmedLost++
			case verdict == Confirmed:
				want.ConfirmedKept++
			case raised:
				want.DismissedRaised++
			default:
				want.DismissedDropped++
			}
		}
	}
	want.Total, want.Matched = len(ds), len(ds)
	rep, err := Run(context.Background(), src, live, draft, t0, t0.Add(time.Hour), Options{Dispositions: ds})
	if err != nil {
		t.Fatal(err)
	}
	if *rep.Dispositions != want || want.ConfirmedLost == 0 {
		t.Errorf("dispositions %+v, want %+v", *rep.Dispositions, want)
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	eng := mustCompile(&lexicon.Lexicon{Format: 1})
	if _, err := Run(context.Background(), corpus(1), eng, eng, t0, t0, Options{}); err == nil {
		t.Error("empty range accepted")
	}
	if _, err := Run(context.Background(), nil, eng, eng, t0, t0.Add(time.Hour), Options{}); err == nil {
		t.Error("nil source accepted")
	}
}
