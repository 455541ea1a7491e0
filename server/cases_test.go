package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/appeal"
	"github.com/earshot/earshot/alerter/cases"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// withCases adds the real case queue (its builder on the alert and event
// streams) and appeals, on the review env's NATS.
func withCases(t *testing.T) func(*Options) {
	return func(o *Options) {
		nc := o.Bus.(*nats.Conn)
		ctx := testutil.Context(t, 20*time.Second)
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
			t.Fatal(err)
		}
		st, err := cases.Open(ctx, js, cases.Options{Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		b, err := cases.StartBuilder(ctx, js, st, testutil.Quiet())
		if err != nil {
			t.Fatal(err)
		}
		ap, err := appeal.Open(ctx, nc, appeal.Options{Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close(); st.Close() })
		o.Cases, o.Appeals = st, ap
	}
}

// sayAs posts text as the anchor's speech in room.
func (e *reviewEnv) sayAs(t *testing.T, room, anchor string, texts ...string) {
	t.Helper()
	for _, text := range texts {
		if _, err := e.ingest.PostUtterances(context.Background(), api.Room{ID: room, Anchor: anchor}, api.Utterance{Text: text}); err != nil {
			t.Fatalf("posting %q: %v", text, err)
		}
	}
}

// waitCase polls the queue until room has a case of n hits.
func (e *reviewEnv) waitCase(t *testing.T, room string, n int) api.Case {
	t.Helper()
	var got api.Case
	testutil.Eventually(t, 10*time.Second, func() error {
		l, err := e.staff.Cases(context.Background(), api.CaseQuery{Room: room})
		if err != nil {
			return err
		}
		for _, c := range l.Cases {
			if c.HitCount == n {
				got = c
				return nil
			}
		}
		return &api.Error{Message: "cases of " + room + ": " + caseSummary(l.Cases)}
	})
	return got
}

func caseSummary(cs []api.Case) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, c.ID+"("+c.State+","+strings.Repeat("*", c.HitCount)+")")
	}
	return strings.Join(parts, " ")
}

func codeOf(t *testing.T, err error, want api.Code) {
	t.Helper()
	if !api.IsCode(err, want) {
		t.Fatalf("error %v, want code %s", err, want)
	}
}

// TestCaseRoundTrip: three hits of one anchor form one case with each
// sentence; staff assign it, note it and confirm it, and each alert's
// disposition says confirmed.
func TestCaseRoundTrip(t *testing.T) {
	e := newReviewEnv(t, withCases(t))
	ctx := context.Background()
	e.sayAs(t, "room-a", "Mei", "This cream cures diabetes.", "It is the best cream in the world.", "This is the lowest price ever.")
	c := e.waitCase(t, "room-a", 3)
	if c.Anchor != "Mei" || c.State != "open" || len(c.Categories) < 2 || c.Severity == "" {
		t.Fatalf("case %+v", c)
	}
	v, err := e.staff.Case(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Hits) != 3 || !strings.Contains(v.Hits[0].Context, "diabetes") || !strings.Contains(v.Hits[2].Context, "lowest price") {
		t.Fatalf("hits %+v", v.Hits)
	}
	if a, err := e.staff.AssignCase(ctx, c.ID); err != nil || a.Assignee != "li" {
		t.Fatalf("assign: %v %+v", err, a)
	}
	if n, err := e.staff.NoteCase(ctx, c.ID, "checked the clip"); err != nil || len(n.Notes) != 1 || n.Notes[0].By != "li" {
		t.Fatalf("note: %v %+v", err, n)
	}
	l, err := e.staff.Cases(ctx, api.CaseQuery{State: "assigned"})
	if err != nil || l.Total != 1 || l.Cases[0].ID != c.ID {
		t.Fatalf("assigned: %v %+v", err, l)
	}
	d, err := e.staff.DecideCase(ctx, c.ID, api.CaseDecisionRequest{Decision: "confirmed", Note: "clear claims"})
	if err != nil || d.State != "confirmed" || d.DecidedBy != "li" {
		t.Fatalf("decide: %v %+v", err, d)
	}
	for _, h := range d.Hits {
		if h.Disposition == nil || h.Disposition.Decision != api.Confirmed || h.Disposition.By != "li" {
			t.Fatalf("hit %s disposition %+v", h.AlertID, h.Disposition)
		}
		a, err := e.staff.Alert(ctx, h.AlertID)
		if err != nil || a.Disposition == nil || a.Disposition.Decision != api.Confirmed {
			t.Fatalf("alert %s after the case decision: %v %+v", h.AlertID, err, a.Disposition)
		}
	}
	_, err = e.staff.DecideCase(ctx, c.ID, api.CaseDecisionRequest{Decision: "dismissed"})
	codeOf(t, err, api.CodeCaseDecided)
	_, err = e.staff.AssignCase(ctx, c.ID)
	codeOf(t, err, api.CodeCaseDecided)
	st, err := e.staff.CaseStats(ctx)
	if err != nil || len(st.Categories) == 0 {
		t.Fatalf("stats: %v %+v", err, st)
	}
	for _, cs := range st.Categories {
		if slices.Contains(c.Categories, cs.Category) && (cs.Confirmed != 1 || cs.P50Seconds <= 0) {
			t.Errorf("stats of %s: %+v", cs.Category, cs)
		}
	}
}

// TestCaseErrors: bad and unknown ids, bad bodies and filters each get
// their code; a bulk decision with an unknown id decides nothing.
func TestCaseErrors(t *testing.T) {
	e := newReviewEnv(t, withCases(t))
	ctx := context.Background()
	e.sayAs(t, "room-b", "Bo", "This cream cures diabetes.")
	e.sayAs(t, "room-c", "Cai", "This cream cures diabetes.")
	b, c := e.waitCase(t, "room-b", 1), e.waitCase(t, "room-c", 1)

	for _, tc := range []struct {
		method, path, body string
		status             int
		code               api.Code
	}{
		{"GET", "/v1/cases/bad.id", "", 400, api.CodeBadCaseID},
		{"GET", "/v1/cases/" + strings.Repeat("x", 65), "", 400, api.CodeBadCaseID},
		{"GET", "/v1/cases/NOSUCHCASE", "", 404, api.CodeUnknownCase},
		{"GET", "/v1/alerts/01KNOSUCHALERT000000000000/case", "", 404, api.CodeUnknownCase},
		{"GET", "/v1/alerts/bad.id/case", "", 400, api.CodeBadAlertID},
		{"POST", "/v1/cases/NOSUCHCASE/assign", "{}", 404, api.CodeUnknownCase},
		{"POST", "/v1/cases/" + b.ID + "/assign", `{"to":"x"}`, 400, api.CodeBadCase},
		{"POST", "/v1/cases/" + b.ID + "/notes", `{"text":""}`, 400, api.CodeBadCase},
		{"POST", "/v1/cases/" + b.ID + "/decision", `{"decision":"maybe"}`, 400, api.CodeBadCase},
		{"POST", "/v1/cases/" + b.ID + "/decision", `{"decision":"needs_review"}`, 400, api.CodeBadCase},
		{"POST", "/v1/cases/decisions", `{"ids":[],"decision":"dismissed"}`, 400, api.CodeBadCase},
		{"POST", "/v1/cases/decisions", `{"ids":["a/b"],"decision":"dismissed"}`, 400, api.CodeBadCaseID},
		{"POST", "/v1/cases/decisions", `{"ids":["` + b.ID + `","NOPE1","NOPE2"],"decision":"dismissed"}`, 404, api.CodeUnknownCase},
		{"GET", "/v1/cases?state=closed", "", 400, api.CodeBadQuery},
		{"GET", "/v1/cases?age=-1h", "", 400, api.CodeBadQuery},
		{"GET", "/v1/cases?limit=0", "", 400, api.CodeBadQuery},
		{"GET", "/v1/cases?colour=red", "", 400, api.CodeBadQuery},
		{"GET", "/v1/escalations?colour=red", "", 400, api.CodeBadQuery},
		// A filter given twice is refused, not read as its first value.
		{"GET", "/v1/cases?room=room-b&room=room-c", "", 400, api.CodeBadQuery},
		{"GET", "/v1/escalations?room=room-b&room=room-c", "", 400, api.CodeBadQuery},
		{"GET", "/v1/appeals?state=pending&state=upheld", "", 400, api.CodeBadQuery},
		{"GET", "/v1/appeals?colour=red", "", 400, api.CodeBadQuery},
		// A body over the limit is 413 too_large, not a malformed body.
		{"POST", "/v1/cases/" + b.ID + "/notes", `{"text":"` + strings.Repeat("a", 70<<10) + `"}`, 413, api.CodeTooLarge},
		{"POST", "/v1/cases/decisions", `{"ids":["` + b.ID + `"],"decision":"dismissed","note":"` + strings.Repeat("a", 70<<10) + `"}`, 413, api.CodeTooLarge},
		{"POST", "/v1/appeals/" + b.ID + "/decision", `{"outcome":"upheld","note":"` + strings.Repeat("a", 70<<10) + `"}`, 413, api.CodeTooLarge},
	} {
		var env api.ErrorResponse
		status := testutil.DoJSON(t, tc.method, e.url+tc.path, e.compliance, tc.body, &env)
		if status != tc.status || env.Error.Code != tc.code {
			t.Errorf("%s %s %.120s: %d %s, want %d %s (%s)", tc.method, tc.path, tc.body, status, env.Error.Code, tc.status, tc.code, env.Error.Message)
		}
		if tc.code == api.CodeUnknownCase && strings.Contains(tc.path, "decisions") &&
			(!strings.Contains(env.Error.Message, "NOPE1, NOPE2") || strings.Contains(env.Error.Message, b.ID)) {
			t.Errorf("bulk answer does not name the unknown ids only: %s", env.Error.Message)
		}
	}
	// Nothing was decided by the refused bulk decision.
	if v, err := e.staff.Case(ctx, b.ID); err != nil || v.State != "open" || v.Hits[0].Disposition != nil {
		t.Fatalf("case %s after a refused bulk decision: %v %+v", b.ID, err, v)
	}
	res, err := e.staff.DecideCases(ctx, api.BulkDecisionRequest{IDs: []string{b.ID, c.ID, b.ID}, Decision: "dismissed"})
	if err != nil || len(res.Decided) != 2 || len(res.Skipped) != 0 {
		t.Fatalf("bulk: %v %+v", err, res)
	}
	res, err = e.staff.DecideCases(ctx, api.BulkDecisionRequest{IDs: []string{b.ID}, Decision: "confirmed"})
	if err != nil || len(res.Decided) != 0 || !slices.Equal(res.Skipped, []string{b.ID}) {
		t.Fatalf("bulk over a decided case: %v %+v", err, res)
	}
	for _, id := range []string{b.ID, c.ID} {
		v, err := e.staff.Case(ctx, id)
		if err != nil || v.State != "dismissed" || v.Hits[0].Disposition == nil || v.Hits[0].Disposition.Decision != api.Dismissed {
			t.Fatalf("case %s after bulk dismiss: %v %+v", id, err, v)
		}
	}
	// Anonymous and other roles are refused by the guard.
	if status, _ := testutil.Do(t, http.MethodGet, e.url+"/v1/cases", e.token(t, api.RoleIngest, ""), ""); status != http.StatusForbidden {
		t.Errorf("ingest token on /v1/cases: %d", status)
	}
}

// noCases and noAppeals are empty stores, for the route table's tests.
type noCases struct{}

func (noCases) List(cases.Filter) ([]cases.Case, int, error) { return nil, 0, nil }
func (noCases) Get(context.Context, string) (cases.Case, error) {
	return cases.Case{}, cases.ErrNotFound
}
func (noCases) Assign(context.Context, string, string) (cases.Case, error) {
	return cases.Case{}, cases.ErrNotFound
}
func (noCases) AddNote(context.Context, string, string, string) (cases.Case, error) {
	return cases.Case{}, cases.ErrNotFound
}
func (noCases) Decide(context.Context, string, cases.State, string, string, []string) (cases.Case, error) {
	return cases.Case{}, cases.ErrNotFound
}
func (noCases) Stats() []cases.CategoryStats { return nil }
func (noCases) Window() time.Duration        { return cases.DefaultWindow }
func (noCases) CaseOf(context.Context, string) (string, error) {
	return "", cases.ErrNotFound
}

type noAppeals struct{}

func (noAppeals) File(context.Context, alerter.Alert, string, string) (alerter.Appeal, error) {
	return alerter.Appeal{}, appeal.ErrInvalid
}
func (noAppeals) Decide(context.Context, string, string, string, string) (alerter.Appeal, error) {
	return alerter.Appeal{}, appeal.ErrNotFound
}
func (noAppeals) Get(context.Context, string) (alerter.Appeal, error) {
	return alerter.Appeal{}, appeal.ErrNotFound
}
func (noAppeals) List(context.Context, string) ([]alerter.Appeal, error) { return nil, nil }

// TestEscalationRaisesCase: an escalation on earshot.escalation.<room>
// (recorded by EARSHOT_EVENTS) puts its alert's case at the top of the
// queue, over a more severe one.
func TestEscalationRaisesCase(t *testing.T) {
	e := newReviewEnv(t, withCases(t))
	ctx := context.Background()
	e.sayAs(t, "room-s", "Su", "This cream cures diabetes.")
	e.sayAs(t, "room-e", "Eve", "It is the best cream in the world.")
	severe, mild := e.waitCase(t, "room-s", 1), e.waitCase(t, "room-e", 1)
	l, err := e.staff.Cases(ctx, api.CaseQuery{})
	if err != nil || l.Cases[0].ID != severe.ID {
		t.Fatalf("before the escalation the most severe case leads: %v %s", err, caseSummary(l.Cases))
	}
	v, err := e.staff.Case(ctx, mild.ID)
	if err != nil {
		t.Fatal(err)
	}
	esc, _ := json.Marshal(alerter.Escalation{Schema: 1, ID: "esc-1", Room: "room-e", Level: alerter.LevelStaff,
		RuleID: v.Hits[0].RuleID, Category: v.Hits[0].Category, AlertIDs: []string{v.Hits[0].AlertID}})
	js, _ := jetstream.New(e.nc)
	if _, err := js.Publish(ctx, alerter.EscalationSubject("room-e"), esc); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		l, err := e.staff.Cases(ctx, api.CaseQuery{})
		if err != nil {
			return err
		}
		if l.Cases[0].ID != mild.ID || l.Cases[0].Escalation != alerter.LevelStaff {
			return &api.Error{Message: "queue " + caseSummary(l.Cases)}
		}
		return nil
	})
}
