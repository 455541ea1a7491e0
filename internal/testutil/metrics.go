package testutil

import (
	"bytes"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Metrics parses a /metrics answer (the Prometheus text format) into its
// families by name; text that does not parse fails the test.
func Metrics(t testing.TB, body []byte) map[string]*dto.MetricFamily {
	t.Helper()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

// MetricSum adds up every series of the counter, gauge and untyped
// families whose name ends in suffix; found says whether there was any.
func MetricSum(fams map[string]*dto.MetricFamily, suffix string) (sum float64, found bool) {
	for name, f := range fams {
		if !strings.HasSuffix(name, suffix) {
			continue
		}
		for _, m := range f.GetMetric() {
			found = true
			sum += m.GetCounter().GetValue() + m.GetGauge().GetValue() + m.GetUntyped().GetValue()
		}
	}
	return sum, found
}
