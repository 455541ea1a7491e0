package trust

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
)

var evening = func() time.Time { return day1.Add(12 * time.Hour) }

// want is an expected indicator value (and sub-score, when scored).
type want struct {
	value, sub float64
}

func TestReplayScores(t *testing.T) {
	type account struct {
		kind  Kind
		id    string
		score float64
		ind   map[string]want
	}
	cases := []struct {
		name string
		msgs func() []Msg
		find func(context.Context, string) (alerter.Alert, error)
		want []account
		// errs: how many messages the replay must refuse
		errs int
	}{
		{
			name: "worked example of docs/trust.md",
			msgs: workedExample,
			want: []account{
				{Anchor, "amy", 47.66, map[string]want{
					"airtime_hours": {2, 0}, "violations_per_hour": {3.75, 0.3478}, "confirmed_share": {0.5, 0.5},
					"reminders_heeded": {0.75, 0.75}, "escalations_per_hour": {0.5, 0.5}, "corroborated_reports_per_hour": {0.5, 0.5},
					"alerts": {5, 0}, "confirmed": {2, 0}, "dismissed": {2, 0}, "pending": {1, 0}, "reminders": {4, 0},
					"ignored": {1, 0}, "heeded": {3, 0}, "reports": {6, 0}, "report_rate": {3, 0}, "report_corroboration": {1, 0},
					"appeals_filed": {2, 0}, "appeals_won": {0.5, 0}, "escalations": {1, 0},
				}},
				{Merchant, "shop1", 54.53, map[string]want{
					"airtime_hours": {3, 0}, "violations_per_hour": {2.5, 0.4444}, "escalations_per_hour": {0.3333, 0.6},
					"corroborated_reports_per_hour": {0.3333, 0.6}, "reports": {6, 0},
				}},
				{Anchor, "bob", 100, map[string]want{"airtime_hours": {1, 0}, "violations_per_hour": {0, 1}, "alerts": {0, 0}}},
			},
		},
		{
			name: "a redelivered message counts once",
			msgs: func() []Msg {
				s := seqs{}
				a := testAlert("A1", "r", "amy", "", "absolute-claims", "high", day1)
				f, al, dc := s.final("r", "amy", "", day1, 3_600_000/6), s.alert(a), s.decide(a, disposition.Confirmed, day1)
				return []Msg{f, f, al, dc, al, dc}
			},
			want: []account{{Anchor, "amy", 61, map[string]want{"airtime_hours": {0.1667, 0}, "alerts": {1, 0},
				"confirmed": {1, 0}, "violations_per_hour": {3, 0.4}}}},
		},
		{
			name: "a revised decision moves the alert",
			msgs: func() []Msg {
				s := seqs{}
				a := testAlert("A1", "r", "amy", "", "absolute-claims", "critical", day1)
				return []Msg{s.alert(a), s.decide(a, disposition.Confirmed, day1), s.decide(a, disposition.NeedsReview, day1),
					s.decide(a, disposition.Dismissed, day1.Add(time.Hour))}
			},
			want: []account{{Anchor, "amy", 100, map[string]want{"confirmed": {0, 0}, "dismissed": {1, 0}, "pending": {0, 0},
				"confirmed_share": {0, 1}, "violations_per_hour": {0, 1}}}},
		},
		{
			name: "a decision read before its alert finds the alert in the log",
			msgs: func() []Msg {
				s := seqs{}
				a := testAlert("A9", "r", "amy", "shop", "absolute-claims", "low", day1)
				dc := s.decide(a, disposition.Confirmed, day1)
				return []Msg{dc, s.alert(a)}
			},
			find: func(_ context.Context, id string) (alerter.Alert, error) {
				return testAlert(id, "r", "amy", "shop", "absolute-claims", "low", day1), nil
			},
			want: []account{{Merchant, "shop", 71.67, map[string]want{"confirmed": {1, 0}, "violations_per_hour": {1, 0.6667}}}},
		},
		{
			name: "bad and unknown messages are refused, the rest counted",
			msgs: func() []Msg {
				s := seqs{}
				ghost := testAlert("GHOST", "r", "amy", "", "absolute-claims", "low", day1)
				bad := s.final("r", "amy", "", day1, 11*60*1000) // longer than one utterance can be
				garbage := Msg{Stream: streamEvents, Seq: 99, Subject: alerter.EscalationSubject("r"), Time: day1, Data: []byte("{")}
				return []Msg{s.final("r", "amy", "", day1, 60_000), s.partial("r", "amy", day1, 60_000), bad, garbage,
					s.decide(ghost, disposition.Confirmed, day1)}
			},
			errs: 3,
			want: []account{{Anchor, "amy", 100, map[string]want{"airtime_hours": {0.0167, 0}}}},
		},
		{
			name: "a returning-violator alert and its decision are shown, never scored",
			msgs: func() []Msg {
				s := seqs{}
				a := testAlert("L1", "r", "amy", "", alerter.CategoryReturningViolator, "high", day1)
				return []Msg{s.final("r", "amy", "", day1, 600_000), s.alert(a), s.decide(a, disposition.Confirmed, day1)}
			},
			want: []account{{Anchor, "amy", 100, map[string]want{"returning_violator_alerts": {1, 0}, "alerts": {0, 0},
				"confirmed": {0, 0}, "violations_per_hour": {0, 1}}}},
		},
		{
			name: "reports and escalations naming only the room count for the room's anchor; UTF-8 ids",
			msgs: func() []Msg {
				s := seqs{}
				a := testAlert("A1", "r", "", "", "absolute-claims", "low", day1)
				return []Msg{s.final("r", "小美", "好物商店", day1, 3_600_000/6), s.report("r", day1), s.report("r", day1),
					s.escalate(a, alerter.LevelStopSuggested, day1)}
			},
			want: []account{
				{Anchor, "小美", 84, map[string]want{"reports": {2, 0}, "report_rate": {2, 0}, "escalations_per_hour": {2, 0.2}}},
				{Merchant, "好物商店", 84, map[string]want{"reports": {2, 0}}},
			},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, err := Replay(context.Background(), tc.msgs(), tc.find, 30, evening)
			if n := countErrs(err); n != tc.errs {
				t.Fatalf("replay refused %d messages (%v), want %d", n, err, tc.errs)
			}
			for _, acc := range tc.want {
				r, ok := v.Account(acc.kind, acc.id)
				if !ok {
					t.Fatalf("%s %s: not in the view", acc.kind, acc.id)
				}
				if r.Score.Score != acc.score {
					t.Errorf("%s %s: score %v, want %v (%+v)", acc.kind, acc.id, r.Score.Score, acc.score, r.Indicators)
				}
				checkIndicators(t, r.Score, acc.ind)
			}
		})
	}
}

func checkIndicators(t *testing.T, s Score, ind map[string]want) {
	t.Helper()
	var sum float64
	for _, in := range s.Indicators {
		sum += in.Contribution
	}
	if math.Abs(sum-s.Score) > 0.05 {
		t.Errorf("contributions add up to %v, score %v", sum, s.Score)
	}
	for name, w := range ind {
		in, ok := s.Get(name)
		if !ok {
			t.Errorf("no indicator %s", name)
			continue
		}
		if math.Abs(in.Value-w.value) > 1e-4 {
			t.Errorf("%s = %v, want %v", name, in.Value, w.value)
		}
		if in.Weight > 0 && math.Abs(in.Sub-w.sub) > 1e-4 {
			t.Errorf("%s sub-score %v, want %v", name, in.Sub, w.sub)
		}
	}
}

func countErrs(err error) int {
	if err == nil {
		return 0
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return len(j.Unwrap())
	}
	return 1
}

func TestWindowSlides(t *testing.T) {
	now := day1
	clock := func() time.Time { return now }
	s := seqs{}
	a := testAlert("A1", "r", "amy", "", "absolute-claims", "critical", day1)
	v, err := Replay(context.Background(), []Msg{s.final("r", "amy", "", day1, 600_000), s.alert(a),
		s.decide(a, disposition.Confirmed, day1)}, nil, 7, clock)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		after time.Duration
		score float64
		seen  bool
	}{{0, 58.33, true}, {6 * 24 * time.Hour, 58.33, true}, {7 * 24 * time.Hour, 100, false}} {
		now = day1.Add(tc.after)
		r, ok := v.Account(Anchor, "amy")
		if ok != tc.seen || r.Score.Score != tc.score {
			t.Errorf("%v after: score %v seen %v, want %v %v", tc.after, r.Score.Score, ok, tc.score, tc.seen)
		}
	}
	now = day1.Add(70 * 24 * time.Hour) // past window + history (30) + 1
	v.Prune()
	if len(v.IDs(Anchor)) != 0 {
		t.Errorf("pruned view still holds %v", v.IDs(Anchor))
	}
	v, _ = Replay(context.Background(), []Msg{s.final("r", "amy", "", day1, 600_000), s.alert(a),
		s.decide(a, disposition.Confirmed, day1)}, nil, 7, clock)
	now = day1.Add(7 * 24 * time.Hour)
	h := v.History(Anchor, "amy", 10)
	if len(h) != 10 || h[len(h)-1].Score != 100 || h[2].Score != 58.33 || h[2].Indicators["alerts"] != 1 {
		t.Errorf("history %+v", h)
	}
}

func TestTokens(t *testing.T) {
	for _, id := range []string{"amy", "shop_1-2", "好物商店", "a.b", "a b", "*", ">"} {
		tok := Token(id)
		back, err := FromToken(tok)
		if err != nil || back != id {
			t.Errorf("Token(%q) = %q -> %q, %v", id, tok, back, err)
		}
		if alerter.ValidRoomID(tok) != nil && tok[0] != '=' {
			t.Errorf("Token(%q) = %q is not a subject token", id, tok)
		}
	}
	if _, err := FromToken("a.b"); err == nil {
		t.Error("FromToken(a.b) accepted a dotted token")
	}
	if !errors.Is(ErrUnknownAlert, ErrUnknownAlert) {
		t.Fatal()
	}
}
