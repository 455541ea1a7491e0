package backtest

import (
	"sort"
	"time"

	"github.com/earshot/earshot/lexicon"
)

// aggregator folds outcomes into a Report; it runs on one goroutine.
type aggregator struct {
	rep      Report
	rules    map[string]*RuleDelta
	examples int
	disp     map[dispKey]string
	dd       *DispositionDiff
}

func newAggregator(from, to time.Time, examples int, disp map[dispKey]string) *aggregator {
	a := &aggregator{rep: Report{From: from, To: to}, rules: map[string]*RuleDelta{}, examples: examples, disp: disp}
	if disp != nil {
		a.dd = &DispositionDiff{Available: true, Total: len(disp)}
	}
	return a
}

func (a *aggregator) rule(h lexicon.Hit) *RuleDelta {
	r := a.rules[h.RuleID]
	if r == nil {
		r = &RuleDelta{RuleID: h.RuleID, Category: h.Category}
		a.rules[h.RuleID] = r
	}
	return r
}

func (a *aggregator) add(o outcome) {
	a.rep.Utterances++
	a.rep.LiveHits += len(o.live)
	a.rep.DraftHits += len(o.draft)
	a.rep.Gained += len(o.gained)
	a.rep.Lost += len(o.lost)
	a.rep.Kept += o.kept
	for _, h := range o.live {
		a.rule(h).Live++
	}
	for _, h := range o.draft {
		r := a.rule(h)
		r.Draft++
		r.Category = h.Category // the draft's category wins when it changed
	}
	for _, h := range o.gained {
		a.note(a.rule(h), "gained", h, o)
	}
	for _, h := range o.lost {
		a.note(a.rule(h), "lost", h, o)
	}
	if a.dd != nil {
		a.dd.add(a.disp, o)
	}
}

func (a *aggregator) note(r *RuleDelta, change string, h lexicon.Hit, o outcome) {
	if change == "gained" {
		r.Gained++
	} else {
		r.Lost++
	}
	n := 0
	for _, e := range r.Examples {
		if e.Change == change {
			n++
		}
	}
	if n >= a.examples {
		return
	}
	rec := o.rec
	r.Examples = append(r.Examples, Example{Change: change, RecordID: rec.ID, Room: rec.Room,
		Session: rec.Session, Utterance: rec.Utterance, At: rec.At, StartMs: rec.StartMs, EndMs: rec.EndMs,
		Text: rec.Text, MatchedText: h.MatchedText})
}

func (a *aggregator) report() *Report {
	rep := a.rep
	rep.Rules = make([]RuleDelta, 0, len(a.rules))
	for _, r := range a.rules {
		rep.Rules = append(rep.Rules, *r)
	}
	sortDeltas(rep.Rules)
	rep.Categories = categoriesOf(rep.Rules)
	rep.Dispositions = a.dd
	return &rep
}

// categoriesOf sums rules by category, sorted by category.
func categoriesOf(rules []RuleDelta) []CategoryDelta {
	cats := map[string]*CategoryDelta{}
	for _, r := range rules {
		c := cats[r.Category]
		if c == nil {
			c = &CategoryDelta{Category: r.Category}
			cats[r.Category] = c
		}
		c.Live += r.Live
		c.Draft += r.Draft
		c.Gained += r.Gained
		c.Lost += r.Lost
	}
	out := make([]CategoryDelta, 0, len(cats))
	for _, c := range cats {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Category < out[j].Category })
	return out
}
