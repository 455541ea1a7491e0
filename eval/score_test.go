package eval

import (
	"testing"
	"time"
)

func TestScorer(t *testing.T) {
	s := newScorer(time.Second)
	// 60 s of audio; a medical claim at 10-13 s and a price claim at 40-42 s.
	s.add(CaseResult{Name: "a", DurationMs: 60_000,
		Expect: []Label{{"medical-claim", 10_000, 13_000}, {"price-fraud", 40_000, 42_000}},
		Detections: []Detection{
			{Category: "medical-claim", StartMs: 11_000, EndMs: 12_000, AtMs: 13_500},  // hit, 500 ms late
			{Category: "medical-claim", StartMs: 13_500, EndMs: 13_900, AtMs: 14_000},  // second hit of the same label
			{Category: "absolute-claim", StartMs: 40_500, EndMs: 41_000, AtMs: 41_200}, // wrong category on a label
			{Category: "absolute-claim", StartMs: 25_000, EndMs: 26_000, AtMs: 26_100}, // false alarm
		}})
	// 30 s of clean speech with nothing detected.
	s.add(CaseResult{Name: "b", DurationMs: 30_000, Expect: []Label{}})
	all := s.all.stats(s.cleanHours())
	if all.Labels != 2 || all.Detected != 1 || all.Recall != 0.5 {
		t.Errorf("recall: %+v", all)
	}
	if all.Detections != 4 || all.TrueDetections != 2 || all.Precision != 0.5 {
		t.Errorf("precision: %+v", all)
	}
	if all.FalseAlarms != 1 {
		t.Errorf("false alarms %d, want 1 (the wrong-category hit on a label is not one)", all.FalseAlarms)
	}
	// Clean: 90 s minus (5 s + 4 s) of widened labels = 81 s.
	if want := 3600.0 / 81; all.FalseAlarmsPerHour < want-0.01 || all.FalseAlarmsPerHour > want+0.01 {
		t.Errorf("FA/h %v, want %.3f", all.FalseAlarmsPerHour, want)
	}
	if all.LatencyMs.P50 != 500 || all.LatencyMs.N != 1 {
		t.Errorf("latency %+v, want one of 500 ms", all.LatencyMs)
	}
	if m := s.cats["medical-claim"].stats(1); m.Recall != 1 || m.Precision != 1 {
		t.Errorf("medical-claim %+v", m)
	}
}

func TestPercentiles(t *testing.T) {
	var v []int64
	for i := int64(1); i <= 100; i++ {
		v = append(v, i)
	}
	if p := percentiles(v); p.P50 != 50 || p.P90 != 90 || p.P99 != 99 || p.N != 100 {
		t.Errorf("percentiles %+v", p)
	}
	if p := percentiles(nil); p != (Percentiles{}) {
		t.Errorf("empty: %+v", p)
	}
}
