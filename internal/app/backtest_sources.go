package app

import (
	"context"
	"time"

	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/lexicon/backtest"
)

// verdicts lets a lexicon backtest read compliance decisions: confirmed and
// dismissed alerts in a time range, placed by room, session and utterance.
type verdicts struct{ store *disposition.Store }

func (v verdicts) Dispositions(ctx context.Context, from, to time.Time) ([]backtest.Disposition, error) {
	latest, err := v.store.Latest(ctx)
	if err != nil {
		return nil, err
	}
	var out []backtest.Disposition
	for _, d := range latest {
		verdict := ""
		switch d.Decision {
		case disposition.Confirmed:
			verdict = backtest.Confirmed
		case disposition.Dismissed:
			verdict = backtest.Dismissed
		}
		if verdict == "" || d.Session == "" || d.AlertAt.Before(from) || d.AlertAt.After(to) {
			continue // needs_review, or recorded before decisions carried placement
		}
		out = append(out, backtest.Disposition{
			Room: d.Room, Session: d.Session, Utterance: d.Utterance, RuleID: d.RuleID, Verdict: verdict,
		})
	}
	return out, nil
}
