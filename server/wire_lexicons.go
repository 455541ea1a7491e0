package server

import (
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/lexicon/version"
)

func wireSummary(s version.Summary) api.LexiconSummary {
	return api.LexiconSummary{
		Number: s.Number, Name: s.Name, Rules: s.Rules, PublishedAt: s.PublishedAt, Author: s.Author,
		Message: s.Message, Hash: s.Hash, RollbackOf: s.RollbackOf, Added: s.Added, Removed: s.Removed, Changed: s.Changed,
	}
}

func wireVersion(v version.Version) api.LexiconVersion {
	return api.LexiconVersion{
		Number: v.Number, Name: v.Name, Rules: v.Rules, PublishedAt: v.PublishedAt, Author: v.Author,
		Message: v.Message, Hash: v.Hash, Previous: v.Previous, RollbackOf: v.RollbackOf, YAML: v.YAML,
		Diff: wireDiff(v.Diff),
	}
}

func wireAudit(e version.AuditEntry) api.AuditEntry {
	return api.AuditEntry{At: e.At, Actor: e.Actor, Action: e.Action, Version: e.Version, Message: e.Message, Hash: e.Hash}
}

func wireDiff(d *version.Diff) *api.LexiconDiff {
	if d == nil {
		return nil
	}
	return &api.LexiconDiff{
		Added: each(d.Added, wireRuleRef), Removed: each(d.Removed, wireRuleRef), Fields: each(d.Fields, wireFieldChange),
		Changed: each(d.Changed, func(c version.RuleChange) api.RuleChange {
			return api.RuleChange{ID: c.ID, Category: c.Category, Fields: each(c.Fields, wireFieldChange)}
		}),
	}
}

func wireRuleRef(r version.RuleRef) api.RuleRef { return api.RuleRef{ID: r.ID, Category: r.Category} }

func wireFieldChange(f version.FieldChange) api.FieldChange {
	return api.FieldChange{Field: f.Field, Old: f.Old, New: f.New}
}

func wireRule(r lexicon.Rule) api.Rule {
	return api.Rule{
		ID: r.ID, Category: r.Category, Severity: r.Severity, Languages: r.Languages, Description: r.Description,
		Reminder: r.Reminder, Policy: r.Policy, Cooldown: r.Cooldown, CooldownDuration: r.CooldownDuration,
		Allow: r.Allow, ShortLatinGuard: r.ShortLatinGuard, Romanized: r.Romanized, Typed: r.Typed,
		Patterns: each(r.Patterns, func(p lexicon.Pattern) api.Pattern {
			return api.Pattern{Phrase: p.Phrase, Slop: p.Slop, Fuzzy: p.Fuzzy, Digits: p.Digits, Contact: p.Contact,
				NotFollowedBy: p.NotFollowedBy, NotPrecededBy: p.NotPrecededBy, NotInside: p.NotInside}
		}),
		Exceptions: each(r.Exceptions, func(e lexicon.Exception) api.Exception {
			return api.Exception{Phrase: e.Phrase, Window: e.Window, Fuzzy: e.Fuzzy, Slop: e.Slop}
		}),
	}
}

func wireHit(h lexicon.Hit) api.LexiconHit {
	var r lexicon.HitRule
	if h.HitRule != nil {
		r = *h.HitRule
	}
	return api.LexiconHit{RuleID: r.RuleID, Category: r.Category, Severity: r.Severity, Reminder: r.Reminder,
		Policy: r.Policy, Pattern: r.Pattern, MatchedText: h.MatchedText, Via: r.Via, Start: h.Start, End: h.End, Score: h.Score}
}

func wireExplanation(e lexicon.Explanation) api.Explanation {
	return api.Explanation{RuleID: e.RuleID, Pattern: e.Pattern, Candidate: e.Candidate, Matched: e.Matched,
		Via: e.Via, Score: e.Score, MatchedText: e.MatchedText, Cancelled: e.Cancelled, Fired: e.Fired}
}

func wireProblem(e lexicon.ValidationError) api.Problem {
	return api.Problem{File: e.File, Rule: e.RuleID, Index: e.Index, Field: e.Field, Message: e.Msg, Text: e.Error()}
}

func wireReport(r *backtest.Report) api.BacktestReport {
	out := api.BacktestReport{
		From: r.From, To: r.To, Utterances: r.Utterances, Truncated: r.Truncated, LiveHits: r.LiveHits,
		DraftHits: r.DraftHits, Gained: r.Gained, Lost: r.Lost, Kept: r.Kept, ElapsedMs: r.ElapsedMs, PerSecond: r.PerSecond,
		Nodes: r.Nodes, MissingNodes: r.MissingNodes, Partial: r.Partial,
	}
	out.Rules = each(r.Rules, func(d backtest.RuleDelta) api.RuleDelta {
		return api.RuleDelta{RuleID: d.RuleID, Category: d.Category, Live: d.Live, Draft: d.Draft,
			Gained: d.Gained, Lost: d.Lost, Examples: each(d.Examples, wireExample)}
	})
	out.Categories = each(r.Categories, func(c backtest.CategoryDelta) api.CategoryDelta {
		return api.CategoryDelta{Category: c.Category, Live: c.Live, Draft: c.Draft, Gained: c.Gained, Lost: c.Lost}
	})
	if d := r.Dispositions; d != nil {
		out.Dispositions = &api.DispositionDiff{Available: d.Available, Total: d.Total, Matched: d.Matched,
			ConfirmedLost: d.ConfirmedLost, ConfirmedKept: d.ConfirmedKept,
			DismissedRaised: d.DismissedRaised, DismissedDropped: d.DismissedDropped}
	}
	return out
}

func wireExample(e backtest.Example) api.Example {
	return api.Example{Change: e.Change, RecordID: e.RecordID, Room: e.Room, Session: e.Session,
		Utterance: e.Utterance, At: e.At, StartMs: e.StartMs, EndMs: e.EndMs, Text: e.Text, MatchedText: e.MatchedText}
}
