package backtest

import (
	"context"
	"fmt"
	"time"
)

// Verdicts a compliance reviewer gives an alert.
const (
	Confirmed = "confirmed"
	Dismissed = "dismissed"
)

// Disposition is a reviewer's verdict on one rule's alert on one utterance.
type Disposition struct {
	Room      string `json:"room"`
	Session   string `json:"session"`
	Utterance uint64 `json:"utterance"`
	RuleID    string `json:"rule_id"`
	Verdict   string `json:"verdict"` // Confirmed or Dismissed
}

// Dispositions is the read side of wherever verdicts are stored.
type Dispositions interface {
	Dispositions(ctx context.Context, from, to time.Time) ([]Disposition, error)
}

// DispositionDiff says what the draft does to reviewed alerts in range.
type DispositionDiff struct {
	Available bool `json:"available"`
	// Total verdicts in range, and how many of them matched a scanned record.
	Total   int `json:"total"`
	Matched int `json:"matched"`
	// ConfirmedLost: confirmed violations the draft would no longer raise.
	ConfirmedLost int `json:"confirmed_lost"`
	ConfirmedKept int `json:"confirmed_kept"`
	// DismissedRaised: false alarms the draft would still raise.
	DismissedRaised  int `json:"dismissed_still_raised"`
	DismissedDropped int `json:"dismissed_dropped"`
}

type dispKey struct {
	room, session string
	utterance     uint64
	rule          string
}

func loadDispositions(ctx context.Context, src Dispositions, from, to time.Time) (map[dispKey]string, error) {
	if src == nil {
		return nil, nil
	}
	ds, err := src.Dispositions(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("backtest: reading dispositions: %w", err)
	}
	m := make(map[dispKey]string, len(ds))
	for _, d := range ds {
		if d.Verdict == Confirmed || d.Verdict == Dismissed {
			m[dispKey{d.Room, d.Session, d.Utterance, d.RuleID}] = d.Verdict
		}
	}
	return m, nil
}

func (dd *DispositionDiff) add(disp map[dispKey]string, o outcome) {
	// A reviewer can only have judged a rule that fired on this utterance
	// at the time (rec.Hits) or fires in one of the two versions now.
	seen := map[string]bool{}
	check := func(rule string) {
		if seen[rule] {
			return
		}
		seen[rule] = true
		v, ok := disp[dispKey{o.rec.Room, o.rec.Session, o.rec.Utterance, rule}]
		if !ok {
			return
		}
		dd.Matched++
		raised := find(o.draft, rule) >= 0
		switch {
		case v == Confirmed && raised:
			dd.ConfirmedKept++
		case v == Confirmed:
			dd.ConfirmedLost++
		case raised:
			dd.DismissedRaised++
		default:
			dd.DismissedDropped++
		}
	}
	for _, h := range o.live {
		check(h.RuleID)
	}
	for _, h := range o.draft {
		check(h.RuleID)
	}
	for _, r := range o.rec.Hits {
		check(r.RuleID)
	}
}
