package server

import (
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/cases"
	"github.com/earshot/earshot/api"
)

// wireQueueCase is a case without its hits, as GET /v1/cases lists it.
func wireQueueCase(c cases.Case, now time.Time) api.Case {
	end := now
	if c.Decided() {
		end = c.DecidedAt
	}
	return api.Case{
		ID: c.ID, Room: c.Room, Anchor: c.Anchor, Merchant: c.Merchant, Session: c.Session,
		FirstAt: c.FirstAt, LastAt: c.LastAt, Severity: c.Severity, Categories: list(c.Categories, func(s string) string { return s }),
		Escalation: c.Escalation, HitCount: c.HitCount, State: string(c.State), Assignee: c.Assignee, AssignedAt: c.AssignedAt,
		Notes: each(c.Notes, wireCaseNote), DecidedBy: c.DecidedBy, DecidedAt: c.DecidedAt, DecisionNote: c.DecisionNote,
		WaitingSeconds: max(0, end.Sub(c.FirstAt).Seconds()), Corroboration: wireCaseCorroboration(c.Corroboration),
	}
}

func wireCaseCorroboration(k *cases.Corroboration) *api.Corroboration {
	if k == nil || k.Reports == 0 {
		return nil
	}
	return &api.Corroboration{Reports: k.Reports, Weight: k.Weight}
}

func wireCaseNote(n cases.Note) api.CaseNote { return api.CaseNote{By: n.By, At: n.At, Text: n.Text} }

func wireCaseHit(h cases.Hit) api.CaseHit {
	return api.CaseHit{
		AlertID: h.AlertID, At: h.At, RuleID: h.RuleID, Category: h.Category, Severity: h.Severity, Reminder: h.Reminder,
		MatchedText: h.MatchedText, Context: h.Context, Utterance: h.Utterance, StartMs: h.StartMs, EndMs: h.EndMs,
		ClipURL: h.ClipURL, Rules: h.Rules,
	}
}

func wireCaseStats(s cases.CategoryStats) api.CategoryCaseStats {
	return api.CategoryCaseStats{Category: s.Category, Open: s.Open, Confirmed: s.Confirmed, Dismissed: s.Dismissed,
		MeanSeconds: s.Mean(), P50Seconds: s.Percentile(0.5), P90Seconds: s.Percentile(0.9), MaxSeconds: s.Percentile(1)}
}

func wireAppeal(a alerter.Appeal) api.Appeal {
	return api.Appeal{
		Schema: a.Schema, ID: a.ID, AlertID: a.AlertID, Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant,
		Category: a.Category, RuleID: a.RuleID, Reason: a.Reason, At: a.At, State: a.State,
		DecidedBy: a.DecidedBy, DecidedAt: a.DecidedAt, Note: a.Note,
	}
}
