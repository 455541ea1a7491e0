package eval

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// Report is the outcome of a Run. The overall Stats are inline, so the JSON
// has recall, precision, false_alarms_per_hour and latency_ms at the top.
type Report struct {
	Stats
	Categories map[string]Stats `json:"categories"`
	AudioCases int              `json:"audio_cases"`
	AudioHours float64          `json:"audio_hours"`
	// CleanHours is audio outside every labelled span (widened by the
	// slack): the denominator of false_alarms_per_hour.
	CleanHours float64 `json:"clean_hours"`
	// LatencyMode is "stream" (fast run: stream position of the audio fed
	// when the alert was raised minus the label's end) or "wall" (paced
	// run: wall time since the source started minus the label's end).
	LatencyMode string            `json:"latency_mode"`
	SlackMs     int64             `json:"slack_ms"`
	Text        *TextReport       `json:"text,omitempty"`
	Config      map[string]string `json:"config,omitempty"`
	Cases       []CaseResult      `json:"cases,omitempty"`
}

// TextReport scores the JSONL text cases: per case, the set of detected
// categories against the expected set.
type TextReport struct {
	Cases      int                  `json:"cases"`
	Recall     float64              `json:"recall"`
	Precision  float64              `json:"precision"`
	Categories map[string]TextStats `json:"categories"`
	// Misses lists the cases that missed or over-detected, for debugging.
	Misses []string `json:"misses,omitempty"`
}

// TextStats counts one category over text cases.
type TextStats struct {
	Expected  int     `json:"expected"`
	Detected  int     `json:"detected"`
	False     int     `json:"false"`
	Recall    float64 `json:"recall"`
	Precision float64 `json:"precision"`
}

func (r *Report) addAudio(results []CaseResult, slack time.Duration) {
	s := newScorer(slack)
	for _, res := range results {
		s.add(res)
	}
	clean := s.cleanHours()
	r.Stats = s.all.stats(clean)
	r.Categories = map[string]Stats{}
	for name, t := range s.cats {
		r.Categories[name] = t.stats(clean)
	}
	r.AudioCases = len(results)
	r.AudioHours = round3(time.Duration(s.audioMs * int64(time.Millisecond)).Hours())
	r.CleanHours = round3(clean)
	r.Cases = results
}

func scoreText(cases []TextCase, m pipeline.MatcherFunc) *TextReport {
	tr := &TextReport{Cases: len(cases), Categories: map[string]TextStats{}}
	var exp, hit, det, trueDet int
	for i, tc := range cases {
		det0 := pipeline.NewDetector(pipeline.Room{ID: "eval"}, "text", m)
		alerts, _ := det0.Detect(transcript.Hypothesis{Utterance: uint64(i + 1), Final: true, Text: tc.Text})
		got := map[string]bool{}
		for _, a := range alerts {
			for _, hit := range a.AllHits() {
				got[hit.Category] = true
			}
		}
		want := map[string]bool{}
		for _, c := range tc.Expect {
			want[c] = true
		}
		for c := range want {
			st := tr.Categories[c]
			st.Expected++
			exp++
			if got[c] {
				st.Detected++
				hit++
			}
			tr.Categories[c] = st
		}
		for c := range got {
			det++
			if want[c] {
				trueDet++
				continue
			}
			st := tr.Categories[c]
			st.False++
			tr.Categories[c] = st
		}
		if !sameSet(got, want) {
			tr.Misses = append(tr.Misses, fmt.Sprintf("%s: want %v got %v: %s", tc.Where, keys(want), keys(got), tc.Text))
		}
	}
	for c, st := range tr.Categories {
		st.Recall = ratio(st.Detected, st.Expected)
		st.Precision = ratio(st.Detected, st.Detected+st.False)
		tr.Categories[c] = st
	}
	tr.Recall, tr.Precision = ratio(hit, exp), ratio(trueDet, det)
	return tr
}

func sameSet(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// WriteTable prints the report for people.
func (r *Report) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	if r.AudioCases > 0 {
		fmt.Fprintf(tw, "audio: %d cases, %.3f h (%.3f h clean), latency on the %s clock, slack %d ms\n",
			r.AudioCases, r.AudioHours, r.CleanHours, r.LatencyMode, r.SlackMs)
		fmt.Fprintln(tw, "category\tlabels\trecall\tprecision\tFA\tFA/h\tp50 ms\tp90 ms\tp99 ms\t")
		names := make([]string, 0, len(r.Categories))
		for n := range r.Categories {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			row(tw, n, r.Categories[n])
		}
		row(tw, "ALL", r.Stats)
	}
	if t := r.Text; t != nil {
		fmt.Fprintf(tw, "\ntext: %d cases, recall %.3f, precision %.3f\n", t.Cases, t.Recall, t.Precision)
		fmt.Fprintln(tw, "category\texpected\trecall\tprecision\tfalse\t")
		names := make([]string, 0, len(t.Categories))
		for n := range t.Categories {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			s := t.Categories[n]
			fmt.Fprintf(tw, "%s\t%d\t%.3f\t%.3f\t%d\t\n", n, s.Expected, s.Recall, s.Precision, s.False)
		}
	}
	return tw.Flush()
}

func row(w io.Writer, name string, s Stats) {
	fmt.Fprintf(w, "%s\t%d\t%.3f\t%.3f\t%d\t%.2f\t%d\t%d\t%d\t\n", name, s.Labels, s.Recall, s.Precision,
		s.FalseAlarms, s.FalseAlarmsPerHour, s.LatencyMs.P50, s.LatencyMs.P90, s.LatencyMs.P99)
}

// Summary is one line per configuration for side-by-side comparisons.
func (r *Report) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "recall %.3f precision %.3f FA/h %.2f latency p50/p90/p99 %d/%d/%d ms",
		r.Recall, r.Precision, r.FalseAlarmsPerHour, r.LatencyMs.P50, r.LatencyMs.P90, r.LatencyMs.P99)
	return b.String()
}
