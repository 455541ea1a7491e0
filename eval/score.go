package eval

import (
	"math"
	"sort"
	"time"
)

// Detection is one alert as the harness saw it.
type Detection struct {
	Category string `json:"category"`
	RuleID   string `json:"rule_id"`
	StartMs  int64  `json:"start_ms"`
	EndMs    int64  `json:"end_ms"`
	// AtMs is when the alert was raised on the stream's clock: the stream
	// position of the audio fed when it was raised (fast runs), or the wall
	// time since the paced source started (realtime runs).
	AtMs int64  `json:"at_ms"`
	Text string `json:"text,omitempty"`
}

// CaseResult is what one audio case produced.
type CaseResult struct {
	Name       string      `json:"name"`
	DurationMs int64       `json:"duration_ms"`
	Expect     []Label     `json:"expect"`
	Detections []Detection `json:"detections"`
}

// Percentiles of detection latency in milliseconds.
type Percentiles struct {
	P50 int64 `json:"p50"`
	P90 int64 `json:"p90"`
	P99 int64 `json:"p99"`
	N   int   `json:"n"`
}

// Stats are the scores of one category or of all.
type Stats struct {
	Labels             int         `json:"labels"`
	Detected           int         `json:"detected"`
	Recall             float64     `json:"recall"`
	Detections         int         `json:"detections"`
	TrueDetections     int         `json:"true_detections"`
	Precision          float64     `json:"precision"`
	FalseAlarms        int         `json:"false_alarms"`
	FalseAlarmsPerHour float64     `json:"false_alarms_per_hour"`
	LatencyMs          Percentiles `json:"latency_ms"`
}

// tally accumulates counts before rates are derived.
type tally struct {
	labels, detected, dets, trueDets, fa int
	lat                                  []int64
}

func (t *tally) stats(cleanHours float64) Stats {
	s := Stats{Labels: t.labels, Detected: t.detected, Detections: t.dets,
		TrueDetections: t.trueDets, FalseAlarms: t.fa, LatencyMs: percentiles(t.lat)}
	s.Recall = ratio(t.detected, t.labels)
	s.Precision = ratio(t.trueDets, t.dets)
	if cleanHours > 0 {
		s.FalseAlarmsPerHour = round3(float64(t.fa) / cleanHours)
	}
	return s
}

// ratio is a/b, and 1 when there is nothing to get wrong (b == 0).
func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return round3(float64(a) / float64(b))
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func percentiles(v []int64) Percentiles {
	if len(v) == 0 {
		return Percentiles{}
	}
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	at := func(q float64) int64 {
		i := int(math.Ceil(q*float64(len(s)))) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	return Percentiles{P50: at(0.5), P90: at(0.9), P99: at(0.99), N: len(s)}
}

// scorer scores audio results: a detection is true when its category
// matches a label and its span overlaps the label's span widened by slack;
// a detection overlapping no label at all is a false alarm; one that
// overlaps only labels of other categories counts against precision but not
// as a false alarm of clean speech.
type scorer struct {
	slack      int64
	all        tally
	cats       map[string]*tally
	audioMs    int64
	labelledMs int64
}

func newScorer(slack time.Duration) *scorer {
	return &scorer{slack: slack.Milliseconds(), cats: map[string]*tally{}}
}

func (s *scorer) cat(name string) *tally {
	t := s.cats[name]
	if t == nil {
		t = &tally{}
		s.cats[name] = t
	}
	return t
}

func (s *scorer) overlaps(d Detection, l Label) bool {
	start, end := d.StartMs, d.EndMs
	if start == 0 && end == 0 {
		start, end = d.AtMs, d.AtMs // no word times: where it was raised
	}
	return start <= l.EndMs+s.slack && end >= l.StartMs-s.slack
}

func (s *scorer) add(r CaseResult) {
	s.audioMs += r.DurationMs
	dets := append([]Detection(nil), r.Detections...)
	sort.SliceStable(dets, func(i, j int) bool { return dets[i].AtMs < dets[j].AtMs })
	for _, l := range r.Expect {
		s.labelledMs += min(l.EndMs+s.slack, r.DurationMs) - max(l.StartMs-s.slack, 0)
		s.all.labels++
		s.cat(l.Category).labels++
		for _, d := range dets {
			if d.Category == l.Category && s.overlaps(d, l) {
				lat := d.AtMs - l.EndMs
				for _, t := range []*tally{&s.all, s.cat(l.Category)} {
					t.detected++
					t.lat = append(t.lat, lat)
				}
				break
			}
		}
	}
	for _, d := range dets {
		match, any := false, false
		for _, l := range r.Expect {
			if s.overlaps(d, l) {
				any = true
				match = match || l.Category == d.Category
			}
		}
		for _, t := range []*tally{&s.all, s.cat(d.Category)} {
			t.dets++
			if match {
				t.trueDets++
			}
			if !any {
				t.fa++
			}
		}
	}
}

// cleanHours is audio outside every labelled span (with slack).
func (s *scorer) cleanHours() float64 {
	return time.Duration(max(s.audioMs-s.labelledMs, 0) * int64(time.Millisecond)).Hours()
}
