package cases

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/earshot/earshot/alerter"
)

// ReportConsumer is the builder's durable consumer of viewer reports
// (earshot.report.* in EARSHOT_EVENTS): a report that falls on the moment
// of a case's alert corroborates the case.
const ReportConsumer = "earshot-cases-reports"

// groupingGrace is how long after a report its alerts may still be
// waiting for the builder to group them; past it a report whose alert is
// in no case (expired with the alerts' retention, a backlog replayed at
// the first start) is skipped rather than retried.
const groupingGrace = 2 * time.Minute

// MaxCorroborators bounds the reporters a case remembers (to count each
// once); past it, reports are no longer added.
const MaxCorroborators = 200

// Corroboration is how far viewers' reports back a case: the distinct
// reporters whose reports fell on one of its alerts' moments, and the sum
// of their weights (a reporter's record; new reporters in a flood weigh
// nothing). The queue ranks a corroborated case above an uncorroborated
// one of the same escalation and severity.
type Corroboration struct {
	Reports int     `json:"reports"`
	Weight  float64 `json:"weight"`
	// Reporters are the reporters' hashes (never viewer ids), kept so a
	// reporter counts once however many of the case's alerts they report.
	Reporters []string `json:"reporters,omitempty"`
}

// corroborate adds reporter's report of weight to c; false when the
// reporter was counted already (or the case remembers enough reporters).
func (c *Case) corroborate(reporter string, weight float64) bool {
	if c.Corroboration == nil {
		c.Corroboration = &Corroboration{}
	}
	k := c.Corroboration
	if reporter == "" || slices.Contains(k.Reporters, reporter) || len(k.Reporters) >= MaxCorroborators {
		return false
	}
	k.Reporters = append(k.Reporters, reporter)
	k.Reports++
	k.Weight = math.Round((k.Weight+max(0, weight))*1e4) / 1e4
	return true
}

// corroborationRank is the queue's corroboration key: the weight in ten-thousandths.
func (c *Case) corroborationRank() int {
	if c.Corroboration == nil {
		return 0
	}
	return int(math.Round(c.Corroboration.Weight * 1e4))
}

// Corroborate records a viewer report on the cases of the alerts it
// corroborates (alerter.Report.Corroborates). A report whose alerts are in
// no case yet is ErrNotFound: the builder may not have grouped them yet.
func (s *Store) Corroborate(ctx context.Context, rep alerter.Report) error {
	if len(rep.Corroborates) == 0 {
		return nil
	}
	if rep.Reporter == "" {
		return fmt.Errorf("%w: report %s: no reporter", ErrInvalid, rep.ID)
	}
	weight := rep.Weight
	if rep.Flood && rep.New {
		weight = 0 // the flood breaker: a new reporter's report weighs nothing
	}
	done := map[string]bool{}
	for _, alertID := range rep.Corroborates {
		id, err := s.CaseOf(ctx, alertID)
		if errors.Is(err, ErrNotFound) && !rep.At.IsZero() && s.opts.Now().Sub(rep.At) > groupingGrace {
			continue // its alert is in no case, and will not be: expired, or never grouped
		}
		if err != nil {
			return fmt.Errorf("report %s: %w", rep.ID, err)
		}
		if done[id] {
			continue
		}
		done[id] = true
		_, err = s.update(ctx, id, func(c *Case) error {
			if !c.corroborate(rep.Reporter, weight) {
				return errNoChange
			}
			return nil
		})
		if err != nil {
			return fmt.Errorf("report %s: %w", rep.ID, err)
		}
	}
	return nil
}
