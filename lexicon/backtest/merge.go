package backtest

import (
	"context"
	"sort"
	"time"
)

// List is a fixed set of verdicts (what an api node sends the index nodes
// with a backtest request).
type List []Disposition

// Dispositions implements Dispositions.
func (l List) Dispositions(context.Context, time.Time, time.Time) ([]Disposition, error) {
	return l, nil
}

// Merge adds up the reports of several shares of the transcripts (one per
// index node) into one, as if one store had held them all: counts summed,
// rules and categories merged, at most examples examples per rule and
// direction (earliest first). Verdicts are counted once: every share was
// given the same ones.
func Merge(parts []*Report, examples int) *Report {
	if examples <= 0 {
		examples = 5
	}
	out := &Report{}
	rules := map[string]*RuleDelta{}
	var order []string
	for i, p := range parts {
		if p == nil {
			continue
		}
		if i == 0 || p.From.Before(out.From) {
			out.From = p.From
		}
		if p.To.After(out.To) {
			out.To = p.To
		}
		out.Utterances += p.Utterances
		out.Truncated = out.Truncated || p.Truncated
		out.LiveHits += p.LiveHits
		out.DraftHits += p.DraftHits
		out.Gained += p.Gained
		out.Lost += p.Lost
		out.Kept += p.Kept
		out.ElapsedMs = max(out.ElapsedMs, p.ElapsedMs) // the shares ran at once
		for _, r := range p.Rules {
			m := rules[r.RuleID]
			if m == nil {
				m = &RuleDelta{RuleID: r.RuleID, Category: r.Category}
				rules[r.RuleID] = m
				order = append(order, r.RuleID)
			}
			if r.Draft > 0 {
				m.Category = r.Category // the draft's category wins, as in one run
			}
			m.Live += r.Live
			m.Draft += r.Draft
			m.Gained += r.Gained
			m.Lost += r.Lost
			m.Examples = append(m.Examples, r.Examples...)
		}
		if d := p.Dispositions; d != nil {
			if out.Dispositions == nil {
				out.Dispositions = &DispositionDiff{Available: d.Available, Total: d.Total}
			}
			dd := out.Dispositions
			dd.Matched += d.Matched
			dd.ConfirmedLost += d.ConfirmedLost
			dd.ConfirmedKept += d.ConfirmedKept
			dd.DismissedRaised += d.DismissedRaised
			dd.DismissedDropped += d.DismissedDropped
		}
	}
	out.Rules = make([]RuleDelta, 0, len(rules))
	for _, id := range order {
		r := rules[id]
		r.Examples = keepExamples(r.Examples, examples)
		out.Rules = append(out.Rules, *r)
	}
	sortDeltas(out.Rules)
	out.Categories = categoriesOf(out.Rules)
	if out.ElapsedMs > 0 {
		out.PerSecond = float64(out.Utterances) / (out.ElapsedMs / 1000)
	}
	return out
}

// keepExamples keeps the earliest n of each change.
func keepExamples(ex []Example, n int) []Example {
	sort.SliceStable(ex, func(i, j int) bool { return ex[i].At.Before(ex[j].At) })
	var out []Example
	count := map[string]int{}
	for _, e := range ex {
		if count[e.Change] < n {
			count[e.Change]++
			out = append(out, e)
		}
	}
	return out
}
