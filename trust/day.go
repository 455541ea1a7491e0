package trust

import (
	"maps"
	"time"

	"github.com/earshot/earshot/alerter"
)

// DateLayout is how days are written: UTC calendar days.
const DateLayout = "2006-01-02"

// CrowdCategory is the category of the alerts the viewer reports stage
// raises on a burst of independent reports (issue 14): they are counted
// as corroborated reports, not as lexicon violations.
const CrowdCategory = alerter.CategoryViewerReports

// Day is one account's counters for one UTC day: the unit the ledger
// stores (one key-value entry) and the window sums.
type Day struct {
	Date string `json:"date"`
	// AirtimeMs sums end_ms - start_ms of the final hypotheses heard.
	AirtimeMs int64 `json:"airtime_ms"`
	Finals    int64 `json:"finals"`
	// Alerts counts lexicon alerts by "category/severity" (the leading
	// hit's); Confirmed and Dismissed count staff's current decision on
	// them by severity (an overturned appeal counts as dismissed).
	Alerts    map[string]int64 `json:"alerts,omitempty"`
	Confirmed map[string]int64 `json:"confirmed,omitempty"`
	Dismissed map[string]int64 `json:"dismissed,omitempty"`
	// Reminders sent; Ignored: reminders whose Repeat was 2 or more (the
	// one before was not heeded); Heeded: earshot.heeded events.
	Reminders int64 `json:"reminders"`
	Ignored   int64 `json:"ignored"`
	Heeded    int64 `json:"heeded"`
	// Escalations by level.
	EscalationsStaff int64 `json:"escalations_staff"`
	EscalationsStop  int64 `json:"escalations_stop"`
	// Reports are viewer reports; Crowd the viewer-reports alerts raised
	// from them, with staff's decisions.
	Reports        int64 `json:"reports"`
	Crowd          int64 `json:"crowd"`
	CrowdConfirmed int64 `json:"crowd_confirmed"`
	CrowdDismissed int64 `json:"crowd_dismissed"`
	// Linked counts returning-violator alerts (an identifier said here
	// belongs to a banned or flagged account): a suggestion for review,
	// shown, never scored.
	Linked int64 `json:"linked,omitempty"`
	// Appeals filed and decided.
	AppealsFiled int64 `json:"appeals_filed"`
	AppealsWon   int64 `json:"appeals_won"`
	AppealsLost  int64 `json:"appeals_lost"`
	// Marks is the last sequence of each stream applied to this entry:
	// a message at or below it was counted already.
	Marks map[string]uint64 `json:"marks,omitempty"`
}

// DateOf is t's UTC day.
func DateOf(t time.Time) string { return t.UTC().Format(DateLayout) }

// Add adds o's counters to d (not its date or marks): the window sum.
func (d *Day) Add(o Day) {
	d.AirtimeMs += o.AirtimeMs
	d.Finals += o.Finals
	d.Alerts = addMap(d.Alerts, o.Alerts)
	d.Confirmed = addMap(d.Confirmed, o.Confirmed)
	d.Dismissed = addMap(d.Dismissed, o.Dismissed)
	d.Reminders += o.Reminders
	d.Ignored += o.Ignored
	d.Heeded += o.Heeded
	d.EscalationsStaff += o.EscalationsStaff
	d.EscalationsStop += o.EscalationsStop
	d.Reports += o.Reports
	d.Crowd += o.Crowd
	d.CrowdConfirmed += o.CrowdConfirmed
	d.CrowdDismissed += o.CrowdDismissed
	d.Linked += o.Linked
	d.AppealsFiled += o.AppealsFiled
	d.AppealsWon += o.AppealsWon
	d.AppealsLost += o.AppealsLost
}

func addMap(dst, src map[string]int64) map[string]int64 {
	if len(src) == 0 {
		return dst
	}
	if dst == nil {
		dst = make(map[string]int64, len(src))
	}
	for k, v := range src {
		dst[k] += v
	}
	return dst
}

func bump(m *map[string]int64, k string, n int64) {
	if *m == nil {
		*m = map[string]int64{}
	}
	(*m)[k] += n
	if (*m)[k] == 0 {
		delete(*m, k)
	}
}

// clone is a deep copy, so a cached entry never aliases a stored one.
func (d Day) clone() Day {
	d.Alerts, d.Confirmed, d.Dismissed = maps.Clone(d.Alerts), maps.Clone(d.Confirmed), maps.Clone(d.Dismissed)
	d.Marks = maps.Clone(d.Marks)
	return d
}

// effective decisions of an alert, as the counters see them.
const (
	decNone      = ""
	decConfirmed = "confirmed"
	decDismissed = "dismissed"
)

// Record is what the ledger remembers of one alert: a disposition, a
// reminder or an appeal names only the alert (and its room), and must
// count against the account and day of the alert itself.
type Record struct {
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
	Date     string `json:"date"`
	Severity string `json:"severity"`
	Crowd    bool   `json:"crowd,omitempty"`
	// Link: a returning-violator alert, whose decisions count nowhere.
	Link bool `json:"link,omitempty"`
	// Decision is staff's latest (confirmed, dismissed, needs_review);
	// Overturned says an appeal reversed a confirmation.
	Decision   string            `json:"decision,omitempty"`
	Overturned bool              `json:"overturned,omitempty"`
	Marks      map[string]uint64 `json:"marks,omitempty"`
}

// effective is the decision the counters hold for the alert.
func (r Record) effective() string {
	switch {
	case r.Overturned:
		return decDismissed
	case r.Decision == decConfirmed:
		return decConfirmed
	case r.Decision == decDismissed:
		return decDismissed
	}
	return decNone
}

// moveDecision moves one alert of rec from decision from to decision to
// in d's counters.
func moveDecision(d *Day, rec Record, from, to string) {
	if from == to || rec.Link {
		return
	}
	if rec.Crowd {
		switch from {
		case decConfirmed:
			d.CrowdConfirmed--
		case decDismissed:
			d.CrowdDismissed--
		}
		switch to {
		case decConfirmed:
			d.CrowdConfirmed++
		case decDismissed:
			d.CrowdDismissed++
		}
		return
	}
	switch from {
	case decConfirmed:
		bump(&d.Confirmed, rec.Severity, -1)
	case decDismissed:
		bump(&d.Dismissed, rec.Severity, -1)
	}
	switch to {
	case decConfirmed:
		bump(&d.Confirmed, rec.Severity, 1)
	case decDismissed:
		bump(&d.Dismissed, rec.Severity, 1)
	}
}
