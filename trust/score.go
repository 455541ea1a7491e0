package trust

import (
	"math"
	"sort"
	"strings"
)

// FormulaVersion names the formula below; it is in every score, so a
// consumer can tell when the meaning of a number changed.
const FormulaVersion = "trust-v1"

// SeverityWeight is how much one violation of a severity weighs in the
// violations per hour (unknown severities weigh 1, like low).
func SeverityWeight(sev string) float64 {
	switch sev {
	case "critical":
		return 4
	case "high":
		return 3
	case "medium":
		return 2
	case "low":
		return 1
	case "info":
		return 0
	}
	return 1
}

// The formula's constants (docs/trust.md): weights of the scored
// indicators (they sum to 100), and each rate's reference, the rate at
// which its sub-score is one half.
const (
	WeightViolations  = 40
	WeightConfirmed   = 15
	WeightHeeded      = 15
	WeightEscalations = 20
	WeightCrowd       = 10

	RefViolationsPerHour  = 2.0 // severity-weighted violations per hour
	RefEscalationsPerHour = 0.5
	RefCrowdPerHour       = 0.5
	// PendingWeight is how much an alert staff have not decided counts
	// against the account, against 1 for a confirmed one.
	PendingWeight = 0.5
	// MinHours is the least airtime a rate is divided by: a few alerts in
	// a ten-minute stint are not a rate of dozens per hour.
	MinHours = 1.0
)

// Indicator is one measured quantity of the window. Weight is its share
// of the score (0: shown, not scored); Sub its sub-score in [0, 1];
// Contribution = 100 * Weight * Sub / 100, and the contributions of the
// scored indicators add up to the score.
type Indicator struct {
	Name         string  `json:"name"`
	Value        float64 `json:"value"`
	Weight       float64 `json:"weight"`
	Sub          float64 `json:"sub_score"`
	Contribution float64 `json:"contribution"`
	// NoData: the indicator's denominator was zero, so it scores 1
	// (nothing against the account) and says so.
	NoData bool `json:"no_data,omitempty"`
	// Formula says how Value and Sub are computed, in words.
	Formula string `json:"formula"`
}

// Score is an account's trust over a window.
type Score struct {
	Score      float64     `json:"score"`
	Formula    string      `json:"formula"`
	Indicators []Indicator `json:"indicators"`
	// Violations counts the lexicon alerts by "category/severity".
	Violations map[string]int64 `json:"violations"`
}

// Compute scores the window sum d.
func Compute(d Day) Score {
	hours := float64(d.AirtimeMs) / 3.6e6
	den := math.Max(hours, MinHours)
	var alerts, confirmed, dismissed int64
	bySev := map[string]int64{}
	for k, n := range d.Alerts {
		_, sev, _ := strings.Cut(k, "/")
		bySev[sev] += n
		alerts += n
	}
	var weighted float64
	sevs := make([]string, 0, len(bySev)+len(d.Confirmed))
	for s := range bySev {
		sevs = append(sevs, s)
	}
	for s := range d.Confirmed {
		if _, ok := bySev[s]; !ok {
			sevs = append(sevs, s)
		}
	}
	sort.Strings(sevs) // a fixed order: float sums must not vary run to run
	for _, s := range sevs {
		c, x := d.Confirmed[s], d.Dismissed[s]
		pending := max(bySev[s]-c-x, 0)
		weighted += SeverityWeight(s) * (float64(c) + PendingWeight*float64(pending))
	}
	for _, n := range d.Confirmed {
		confirmed += n
	}
	for _, n := range d.Dismissed {
		dismissed += n
	}
	pendingAll := max(alerts-confirmed-dismissed, 0)
	vph := weighted / den
	esc := float64(d.EscalationsStaff+2*d.EscalationsStop) / den
	crowd := float64(max(d.Crowd-d.CrowdDismissed, 0)) / den

	ind := []Indicator{
		rate("violations_per_hour", vph, WeightViolations, RefViolationsPerHour,
			"sum over severities of weight(critical 4, high 3, medium 2, low 1, info 0) * (confirmed + 0.5 * pending), / max(airtime hours, 1); sub = 1 / (1 + value / 2)"),
		share("confirmed_share", confirmed, confirmed+dismissed, WeightConfirmed, true,
			"confirmed / (confirmed + dismissed) of the lexicon alerts staff decided; sub = 1 - value"),
		share("reminders_heeded", d.Heeded, d.Heeded+d.Ignored, WeightHeeded, false,
			"heeded / (heeded + ignored); a reminder is ignored when the next one for its rule came within the repeat window; sub = value"),
		rate("escalations_per_hour", esc, WeightEscalations, RefEscalationsPerHour,
			"(staff escalations + 2 * stop suggested) / max(airtime hours, 1); sub = 1 / (1 + value / 0.5)"),
		rate("corroborated_reports_per_hour", crowd, WeightCrowd, RefCrowdPerHour,
			"viewer-reports alerts (bursts of independent reporters) not dismissed / max(airtime hours, 1); sub = 1 / (1 + value / 0.5)"),

		info("airtime_hours", hours, "sum of end_ms - start_ms of final hypotheses, in hours"),
		info("alerts", float64(alerts), "lexicon alerts"),
		info("confirmed", float64(confirmed), "lexicon alerts staff confirmed (an overturned appeal un-confirms)"),
		info("dismissed", float64(dismissed), "lexicon alerts staff dismissed"),
		info("pending", float64(pendingAll), "lexicon alerts not yet confirmed or dismissed"),
		info("reminders", float64(d.Reminders), "reminders sent to the anchor"),
		info("heeded", float64(d.Heeded), "reminders whose rule stayed unbroken for the window after"),
		info("ignored", float64(d.Ignored), "reminders followed by another for the same rule within the repeat window"),
		info("escalations", float64(d.EscalationsStaff+d.EscalationsStop), "escalations to staff or stop suggested"),
		info("reports", float64(d.Reports), "viewer reports"),
		info("report_rate", float64(d.Reports)/den, "viewer reports / max(airtime hours, 1)"),
		ratio("report_corroboration", d.CrowdConfirmed, d.CrowdConfirmed+d.CrowdDismissed,
			"viewer-reports alerts staff confirmed / those they decided"),
		info("returning_violator_alerts", float64(d.Linked), "returning-violator alerts: identifiers said here that belong to a banned or flagged account (a suggestion for review, never scored)"),
		info("appeals_filed", float64(d.AppealsFiled), "appeals filed"),
		ratio("appeals_won", d.AppealsWon, d.AppealsWon+d.AppealsLost, "appeals overturned / appeals decided"),
	}
	var total float64
	for _, in := range ind {
		total += in.Weight
	}
	var score float64
	for i := range ind {
		if ind[i].Weight == 0 {
			continue
		}
		ind[i].Contribution = round2(100 * ind[i].Weight * ind[i].Sub / total)
		score += 100 * ind[i].Weight * ind[i].Sub / total
	}
	viol := map[string]int64{}
	for k, n := range d.Alerts {
		viol[k] = n
	}
	return Score{Score: round2(score), Formula: FormulaVersion, Indicators: ind, Violations: viol}
}

func rate(name string, v, w, ref float64, formula string) Indicator {
	return Indicator{Name: name, Value: round4(v), Weight: w, Sub: round4(ref / (ref + v)), Formula: formula}
}

// share is num/den; sub is the share, or 1 - share when lowerIsBetter.
func share(name string, num, den int64, w float64, lowerIsBetter bool, formula string) Indicator {
	in := Indicator{Name: name, Weight: w, Formula: formula, Sub: 1}
	if den <= 0 {
		in.NoData = true
		return in
	}
	v := float64(num) / float64(den)
	in.Value, in.Sub = round4(v), round4(v)
	if lowerIsBetter {
		in.Sub = round4(1 - v)
	}
	return in
}

func ratio(name string, num, den int64, formula string) Indicator {
	in := share(name, num, den, 0, false, formula)
	in.Sub = 0
	return in
}

func info(name string, v float64, formula string) Indicator {
	return Indicator{Name: name, Value: round4(v), Formula: formula}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }

// Get returns the indicator named name.
func (s Score) Get(name string) (Indicator, bool) {
	for _, in := range s.Indicators {
		if in.Name == name {
			return in, true
		}
	}
	return Indicator{}, false
}
