package reports

import (
	"cmp"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
)

// reporter of the tests: a record and how many of them report.
type crowd struct {
	n      int
	record Record
	every  time.Duration // between two of its reports; 0: 200 ms
}

func reportsOf(t *testing.T, prefix string, c crowd, atMs int64) []alerter.Report {
	t.Helper()
	var out []alerter.Report
	for i := range c.n {
		w, isNew := DefaultWeights.Weigh(c.record)
		out = append(out, alerter.Report{Room: "r1", Session: "s1", AtMs: atMs + int64(i)*100, Category: "medical-claim",
			Reporter: Reporter(fmt.Sprintf("%s-%d", prefix, i)), Weight: w, New: isNew})
	}
	return out
}

// TestBursts: which crowds raise an alert on their own.
func TestBursts(t *testing.T) {
	good := Record{Confirmed: 18, Dismissed: 2}
	fresh := Record{}
	poor := Record{Confirmed: 2, Dismissed: 8}
	weak := Record{Confirmed: 14, Dismissed: 6} // 70% of 20: weighs 0.36
	cases := []struct {
		name   string
		crowds []crowd
		want   bool
	}{
		{"three reporters with good records", []crowd{{n: 3, record: good}}, true},
		{"two good reporters are not several", []crowd{{n: 2, record: good}}, false},
		{"brigade: fifty new reporters at once", []crowd{{n: 50, record: fresh}}, false},
		{"seven new reporters (below the breaker, below the weight)", []crowd{{n: 7, record: fresh}}, false},
		{"reporters staff usually dismiss", []crowd{{n: 20, record: poor}}, false},
		{"good reporters inside a brigade still count", []crowd{{n: 40, record: fresh}, {n: 3, record: good}}, true},
		{"one good, many new: the flood weighs nothing", []crowd{{n: 30, record: fresh}, {n: 1, record: good}}, false},
		{"a slow brigade: ten new reporters ten seconds apart, never a flood", []crowd{{n: 10, record: fresh, every: 10 * time.Second}}, false},
		{"two good reporters and new ones: new reporters are no witnesses of their own", []crowd{{n: 2, record: good}, {n: 5, record: fresh}}, false},
		{"weak records, with new reporters' weight on top", []crowd{{n: 3, record: weak}, {n: 5, record: fresh}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, err := NewDetector(DefaultRules)
			if err != nil {
				t.Fatal(err)
			}
			now := time.Unix(1000, 0)
			got := false
			var b Burst
			for ci, c := range tc.crowds {
				for _, rep := range reportsOf(t, fmt.Sprint(ci), c, 60000) {
					now = now.Add(cmp.Or(c.every, 200*time.Millisecond))
					if bb, ok := d.Observe(rep, now); ok {
						if got {
							t.Fatal("a second alert for the same moment")
						}
						got, b = true, bb
					}
				}
			}
			if got != tc.want {
				t.Fatalf("alert raised: %v, want %v (%+v)", got, tc.want, b.Summary)
			}
			if got && (b.Summary.Reporters < DefaultRules.MinReporters || b.Summary.Weight < DefaultRules.MinWeight) {
				t.Fatalf("burst below the rules: %+v", b.Summary)
			}
		})
	}
}

// TestFloodShowsInStatus: a brigade trips the breaker, which shows in the
// room's figures and the totals, and wears off after FloodHold.
func TestFloodShowsInStatus(t *testing.T) {
	d, _ := NewDetector(DefaultRules)
	now := time.Unix(1000, 0)
	for _, rep := range reportsOf(t, "b", crowd{n: 20}, 5000) {
		d.Observe(rep, now)
	}
	st, ok := d.Room("r1", now)
	if !ok || !st.Flood || st.Floods != 1 || st.Flooded != 20 || st.Alerts != 0 || st.NewReporters != 20 {
		t.Fatalf("room after a brigade: %+v", st)
	}
	if tot, active := d.Totals(now); tot.Floods != 1 || active != 1 {
		t.Fatalf("totals %+v, %d active floods", tot, active)
	}
	later := now.Add(DefaultRules.FloodHold + time.Second)
	if st, _ := d.Room("r1", later); st.Flood {
		t.Fatalf("breaker still tripped after FloodHold: %+v", st)
	}
}

// TestMomentsAndSessions: reports far apart, or in another session, are
// other moments; one reporter reporting again counts once.
func TestMomentsAndSessions(t *testing.T) {
	d, _ := NewDetector(DefaultRules)
	now := time.Unix(1000, 0)
	good := Record{Confirmed: 20}
	w, _ := DefaultWeights.Weigh(good)
	obs := func(viewer, session string, at int64) bool {
		now = now.Add(time.Second)
		_, ok := d.Observe(alerter.Report{Room: "r1", Session: session, AtMs: at, Category: "other", Reporter: Reporter(viewer), Weight: w}, now)
		return ok
	}
	if obs("a", "s1", 1000) || obs("a", "s1", 2000) || obs("a", "s1", 3000) {
		t.Fatal("one viewer reporting three times raised an alert")
	}
	if obs("b", "s1", 100000) || obs("c", "s2", 1500) {
		t.Fatal("reports of other moments or sessions counted together")
	}
	if obs("b", "s1", 5000) {
		t.Fatal("two reporters of one moment raised an alert")
	}
	if !obs("d", "s1", 9000) {
		t.Fatal("three good reporters of one moment raised nothing")
	}
}

func TestWeigh(t *testing.T) {
	cases := []struct {
		r     Record
		w     float64
		isNew bool
	}{
		{Record{}, 0.2, true},
		{Record{Confirmed: 4}, 0.2, true},
		{Record{Confirmed: 5}, 2*6.0/7 - 1, false},
		{Record{Confirmed: 20}, 2*21.0/22 - 1, false},
		{Record{Confirmed: 5, Dismissed: 5}, 0, false},
		{Record{Confirmed: 1, Dismissed: 9}, 0, false},
	}
	for _, tc := range cases {
		w, isNew := DefaultWeights.Weigh(tc.r)
		if isNew != tc.isNew || w < tc.w-1e-9 || w > tc.w+1e-9 {
			t.Errorf("%+v: %v %v, want %v %v", tc.r, w, isNew, tc.w, tc.isNew)
		}
	}
}

// TestBounded: a room's moments and a moment's reports stay within the
// rules' bounds however many arrive.
func TestBounded(t *testing.T) {
	rules := DefaultRules
	rules.MaxMoments, rules.MaxPerMoment = 8, 16
	d, _ := NewDetector(rules)
	now := time.Unix(1000, 0)
	for i := range 2000 {
		now = now.Add(time.Millisecond)
		d.Observe(alerter.Report{Room: "r1", AtMs: int64(i%100) * 60000, Category: "other", Reporter: Reporter(fmt.Sprint(i)), Weight: 0}, now)
	}
	st, _ := d.rooms.Peek("r1")
	if len(st.moments) > rules.MaxMoments {
		t.Fatalf("%d moments kept, bound %d", len(st.moments), rules.MaxMoments)
	}
	for _, m := range st.moments {
		if len(m.entries) > rules.MaxPerMoment {
			t.Fatalf("%d reports kept for one moment, bound %d", len(m.entries), rules.MaxPerMoment)
		}
	}
}
