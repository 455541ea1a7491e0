package version

import (
	"errors"
	"fmt"

	"github.com/earshot/earshot/lexicon"
)

// ErrNeedsForce is wrapped by a publish or rollback refused because it
// would silence detection wholesale: a version with no rules, or one that
// drops more than Options.MaxDropShare of the live rules. Draft.Force
// publishes it anyway.
var ErrNeedsForce = errors.New("publishing this version needs force")

// DefaultMaxDropShare is the share of the live rules a version may drop
// without force.
const DefaultMaxDropShare = 0.5

// checkDrop refuses next when it has no rules, or drops more than share of
// the rules of live (nil when nothing is live yet).
func checkDrop(live, next *lexicon.Lexicon, share float64) error {
	if len(next.Rules) == 0 {
		return fmt.Errorf("%w: the version has no rules, so nothing would be detected (force to publish it)", ErrNeedsForce)
	}
	if live == nil || len(live.Rules) == 0 {
		return nil
	}
	kept := make(map[string]bool, len(next.Rules))
	for _, r := range next.Rules {
		kept[r.ID] = true
	}
	dropped := 0
	for _, r := range live.Rules {
		if !kept[r.ID] {
			dropped++
		}
	}
	if got := float64(dropped) / float64(len(live.Rules)); got > share {
		return fmt.Errorf("%w: it drops %d of the %d live rules (%.0f%%, more than lexicon.max_drop_share %.0f%%); force to publish it",
			ErrNeedsForce, dropped, len(live.Rules), 100*got, 100*share)
	}
	return nil
}
