package app

import (
	"strings"
	"testing"

	promtest "github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/earshot/earshot/alerter/cases"
)

// TestCaseCollector: decision times become one histogram per category,
// with no room label, and open cases a gauge.
func TestCaseCollector(t *testing.T) {
	c := newCaseCollector(func() []cases.CategoryStats {
		return []cases.CategoryStats{{Category: "medical-claim", Open: 2, Confirmed: 2, Seconds: []float64{30, 400}}}
	})
	want := `
# HELP earshot_case_decision_seconds Time from a case's first hit to its decision, per category, over the cases kept.
# TYPE earshot_case_decision_seconds histogram
earshot_case_decision_seconds_bucket{category="medical-claim",le="60"} 1
earshot_case_decision_seconds_bucket{category="medical-claim",le="300"} 1
earshot_case_decision_seconds_bucket{category="medical-claim",le="900"} 2
earshot_case_decision_seconds_bucket{category="medical-claim",le="1800"} 2
earshot_case_decision_seconds_bucket{category="medical-claim",le="3600"} 2
earshot_case_decision_seconds_bucket{category="medical-claim",le="14400"} 2
earshot_case_decision_seconds_bucket{category="medical-claim",le="86400"} 2
earshot_case_decision_seconds_bucket{category="medical-claim",le="+Inf"} 2
earshot_case_decision_seconds_sum{category="medical-claim"} 430
earshot_case_decision_seconds_count{category="medical-claim"} 2
# HELP earshot_cases_open Cases waiting for a decision, per category (a case counts under each category it hit).
# TYPE earshot_cases_open gauge
earshot_cases_open{category="medical-claim"} 2
`
	if err := promtest.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
}
