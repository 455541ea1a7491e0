package reports

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Record is a reporter's track record: how many of the alerts their
// reports raised or corroborated staff decided, and how.
type Record struct {
	Confirmed int `json:"confirmed"`
	Dismissed int `json:"dismissed"`
	// Reports counts every accepted report; First is the first one's time.
	Reports int       `json:"reports"`
	First   time.Time `json:"first,omitzero"`
}

// Decided is how many of the reporter's alerts staff confirmed or
// dismissed.
func (r Record) Decided() int { return r.Confirmed + r.Dismissed }

// Weights are the parameters of Weigh.
type Weights struct {
	// MinDecided is how many decided reports a reporter needs before their
	// record counts; below it they weigh Prior.
	MinDecided int
	// Prior is the weight of a reporter without a record.
	Prior float64
}

// DefaultWeights: five decided reports make a record; until then a
// report weighs a fifth of a perfect reporter's.
var DefaultWeights = Weights{MinDecided: 5, Prior: 0.2}

// Weigh is a report's weight by its reporter's record, and whether the
// reporter is new (too few decided reports for a record). With a record,
// the weight is 2p - 1 (at least 0), p = (confirmed + 1) / (decided + 2)
// the Laplace-smoothed share confirmed: a reporter staff agree with every
// time tends to 1, a coin flip weighs nothing, and a reporter mostly
// dismissed cannot push an alert at all.
func (w Weights) Weigh(r Record) (weight float64, isNew bool) {
	if r.Decided() < w.MinDecided {
		return w.Prior, true
	}
	p := float64(r.Confirmed+1) / float64(r.Decided()+2)
	return max(0, 2*p-1), false
}

// Reporter is the hash a viewer id is known by: records, reports and
// links never hold the id itself.
func Reporter(viewer string) string {
	sum := sha256.Sum256([]byte("earshot-viewer\x00" + viewer))
	return hex.EncodeToString(sum[:12])
}
