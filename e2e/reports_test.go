package e2e

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/reports"
)

// reportsRig is a whole service with a platform viewer key configured.
type reportsRig struct {
	svc        *app.Service
	base       string
	platform   ed25519.PrivateKey
	ingest     string
	compliance string
}

func newReportsRig(t *testing.T) *reportsRig {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pem, err := auth.PublicKeyPEM(pub)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(t.TempDir(), "platform-viewers.pub")
	if err := os.WriteFile(keyFile, pem, 0o600); err != nil {
		t.Fatal(err)
	}
	svc := startService(t, func(c *config.Config) {
		c.Recognizer.Engine = "none"
		c.Reports.ViewerKeys = []string{keyFile}
	})
	comp, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: "li.na"})
	if err != nil {
		t.Fatal(err)
	}
	return &reportsRig{svc: svc, base: "http://" + svc.HTTPAddr(), platform: priv, ingest: mint(t, svc, api.RoleIngest, ""), compliance: comp}
}

func (r *reportsRig) viewer(t *testing.T, id string) string {
	t.Helper()
	tok, err := r.svc.Mint(auth.Request{Role: api.RoleViewer, Viewer: id})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// say posts a platform's transcript lines with their stream times.
func (r *reportsRig) say(t *testing.T, room string, lines ...api.Utterance) api.UtterancesResult {
	t.Helper()
	body, _ := json.Marshal(lines)
	var res api.UtterancesResult
	if code := testutil.DoJSON(t, http.MethodPost, r.base+"/v1/rooms/"+room+"/utterances", r.ingest, string(body), &res); code != http.StatusOK {
		t.Fatalf("utterances: %d", code)
	}
	return res
}

func (r *reportsRig) report(t *testing.T, room, token, body string) (int, string) {
	t.Helper()
	code, data := testutil.Do(t, http.MethodPost, r.base+"/v1/rooms/"+room+"/reports", token, body)
	return code, string(data)
}

func (r *reportsRig) viewerAlerts(t *testing.T, room string) []api.AlertView {
	t.Helper()
	var list api.AlertList
	testutil.DoJSON(t, http.MethodGet, r.base+"/v1/alerts?category=viewer-reports&room="+room, r.compliance, "", &list)
	return list.Alerts
}

// seed gives viewer a record of staff's decisions, as if their earlier
// reports had been decided.
func (r *reportsRig) seed(t *testing.T, viewer string, rec reports.Record) {
	t.Helper()
	nc := natstest.Connect(t, r.svc.NATSURL(), r.svc.NATSAuth(), natsauth.Service())
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, 10*time.Second)
	kv, err := js.KeyValue(ctx, reports.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(rec)
	if _, err := kv.Put(ctx, "rec."+reports.Reporter(viewer), data); err != nil {
		t.Fatal(err)
	}
}

func line(text string, start, end int64) api.Utterance {
	return api.Utterance{Text: text, StartMs: start, EndMs: end}
}

// TestReportsRefuseBadInput: forged and over-claiming viewer tokens,
// malformed and future moments, unknown categories, oversized text,
// duplicates and a flood from one viewer, over real HTTP and NATS.
func TestReportsRefuseBadInput(t *testing.T) {
	r := newReportsRig(t)
	r.say(t, "shop", line("hello and welcome to the shop", 0, 3000))
	good := r.viewer(t, "viewer-1")
	platformTok, err := auth.SignViewer(r.platform, "anon-7f3a", time.Now(), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	forged, _ := auth.SignViewer(otherKey, "anon-7f3a", time.Now(), time.Hour)
	expired, _ := auth.SignViewer(r.platform, "anon-7f3a", time.Now().Add(-3*time.Hour), time.Hour)
	ahead, _ := auth.SignViewer(r.platform, "anon-7f3a", time.Now().AddDate(1, 0, 0), time.Hour)
	cases := []struct {
		name, token, body string
		status            int
		code              api.Code
	}{
		{"platform-signed viewer id", platformTok, `{"at_ms": 1000, "category": "other"}`, 202, ""},
		{"viewer id signed by another key", forged, `{"at_ms": 1000, "category": "other"}`, 401, api.CodeUnauthorized},
		{"expired platform viewer token", expired, `{"at_ms": 1000, "category": "other"}`, 401, api.CodeUnauthorized},
		{"platform viewer token issued a year ahead", ahead, `{"at_ms": 1000, "category": "other"}`, 401, api.CodeUnauthorized},
		{"viewer token of another installation", authtest.Mint(t, authtest.Signer(t), auth.Request{Role: api.RoleViewer, Viewer: "v"}), `{"at_ms": 1000, "category": "other"}`, 401, api.CodeUnauthorized},
		{"tampered viewer token", authtest.Tampered(good), `{"at_ms": 1000, "category": "other"}`, 401, api.CodeUnauthorized},
		{"no token", "", `{"at_ms": 1000, "category": "other"}`, 401, api.CodeUnauthorized},
		{"staff token", r.compliance, `{"at_ms": 1000, "category": "other"}`, 403, api.CodeForbidden},
		{"accepted", good, `{"at_ms": 2000, "category": "medical-claim", "text": "she said it cures things"}`, 202, ""},
		{"the same moment again", good, `{"at_ms": 2500, "category": "other"}`, 409, api.CodeDuplicateReport},
		{"negative moment", good, `{"at_ms": -40, "category": "other"}`, 400, api.CodeBadMoment},
		{"fractional moment", good, `{"at_ms": 12.5, "category": "other"}`, 400, api.CodeBadMoment},
		{"moment as text", good, `{"at_ms": "now", "category": "other"}`, 400, api.CodeBadMoment},
		{"no moment", good, `{"category": "other"}`, 400, api.CodeBadMoment},
		{"an hour ahead of the stream", good, `{"at_ms": 3600000, "category": "other"}`, 422, api.CodeMomentAhead},
		{"centuries ahead", good, `{"at_ms": 9007199254740993, "category": "other"}`, 422, api.CodeMomentAhead},
		{"unknown category", good, `{"at_ms": 1000, "category": "boring"}`, 400, api.CodeUnknownCategory},
		{"oversized text", good, `{"at_ms": 1000, "category": "other", "text": "` + strings.Repeat("太长", 200) + `"}`, 400, api.CodeReportText},
		{"not an object", good, `[1000, "other"]`, 400, api.CodeBadReport},
		{"bad room id", good, `{"at_ms": 1000, "category": "other"}`, 400, api.CodeBadRoom},
	}
	for _, tc := range cases {
		room := "shop"
		if tc.code == api.CodeBadRoom {
			room = "no%20such"
		}
		code, body := r.report(t, room, tc.token, tc.body)
		if code != tc.status || (tc.code != "" && !strings.Contains(body, `"`+string(tc.code)+`"`)) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, code, body, tc.status, tc.code)
		}
	}
	// The typed client speaks the same contract.
	c := anonClient(t, r.svc, api.WithToken(r.viewer(t, "client-viewer")))
	ctx := testutil.Context(t, 10*time.Second)
	if acc, err := c.Report(ctx, "shop", api.ReportRequest{AtMs: 1500, Category: "other"}); err != nil || acc.ID == "" || acc.Room != "shop" {
		t.Fatalf("client report: %+v %v", acc, err)
	}
	if _, err := c.Report(ctx, "shop", api.ReportRequest{AtMs: 1600, Category: "other"}); !api.IsCode(err, api.CodeDuplicateReport) {
		t.Fatalf("client report of the same moment: %v", err)
	}
	if _, err := c.RoomPoll(ctx, "shop"); !api.IsCode(err, api.CodeNoPoll) {
		t.Fatalf("a room without a poll: %v", err)
	}
	// Polls and votes: unknown fields, and alert or poll ids far in the
	// future, are refused by name (an id's time past year 9999 once made
	// a 503).
	for _, tc := range []struct {
		name, method, path, token, body string
		code                            api.Code
	}{
		{"vote with an unknown field", http.MethodPost, "/v1/rooms/shop/poll/vote", good, `{"poll": "p", "option": "yes", "weight": 9}`, api.CodeBadVote},
		{"vote without an option", http.MethodPost, "/v1/rooms/shop/poll/vote", good, `{"poll": "p"}`, api.CodeBadVote},
		{"vote in a poll id far in the future", http.MethodPost, "/v1/rooms/shop/poll/vote", good, `{"poll": "7ZZZZZZZZZZZZZZZZZZZZZZZZZ", "option": "yes"}`, api.CodeNoPoll},
		{"poll on an alert id far in the future", http.MethodPost, "/v1/alerts/7ZZZZZZZZZZZZZZZZZZZZZZZZZ/poll", r.compliance, `{}`, api.CodeUnknownAlert},
		{"close a poll of an alert id far in the future", http.MethodPost, "/v1/alerts/7ZZZZZZZZZZZZZZZZZZZZZZZZZ/poll/close", r.compliance, `{}`, api.CodeUnknownAlert},
		{"an alert id far in the future", http.MethodGet, "/v1/alerts/7ZZZZZZZZZZZZZZZZZZZZZZZZZ", r.compliance, "", api.CodeUnknownAlert},
	} {
		code, body := testutil.DoWith(t, tc.method, r.base+tc.path, tc.token, "application/json", tc.body)
		if code != tc.code.Status() || !strings.Contains(string(body), `"`+string(tc.code)+`"`) {
			t.Errorf("%s: %d %s, want %d %s", tc.name, code, body, tc.code.Status(), tc.code)
		}
	}
	// One viewer sending a report flood is rate-limited with Retry-After.
	flood := r.viewer(t, "viewer-flood")
	limited := false
	for i := range 20 {
		resp := testutil.Send(t, http.MethodPost, r.base+"/v1/rooms/shop/reports", flood,
			strings.NewReader(fmt.Sprintf(`{"at_ms": %d, "category": "other"}`, i*11000%60000+i)), http.Header{"Content-Type": {"application/json"}})
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests {
			limited = resp.Header.Get("Retry-After") != ""
			break
		}
	}
	if !limited {
		t.Fatal("20 reports at once from one viewer were not rate-limited with Retry-After")
	}
}

// TestReportsBrigadeAndRecords: fifty new viewers reporting one moment at
// once raise no alert and trip the room's flood breaker (room status,
// metrics); three viewers with good records reporting a moment where no
// rule fired raise a viewer-reports alert with the transcript around it,
// the rule alert they also corroborate shows it, a poll on the alert
// takes one vote per viewer with counts hidden until it closes, and
// staff's decision goes into the reporters' records.
func TestReportsBrigadeAndRecords(t *testing.T) {
	r := newReportsRig(t)
	ruled := r.say(t, "shop",
		line("hello everyone welcome to the live room", 0, 3000),
		line("this cream cures diabetes", 3000, 6000),
		line("and this jacket keeps you warm in winter", 6000, 9000),
		line("it is made of real goose down from our own farm", 9000, 14000))
	if len(ruled.Alerts) != 1 {
		t.Fatalf("%d rule alerts, want the medical claim's", len(ruled.Alerts))
	}
	for i := range 50 {
		if code, body := r.report(t, "shop", r.viewer(t, fmt.Sprintf("sock-%d", i)), `{"at_ms": 5000, "category": "medical-claim"}`); code != 202 {
			t.Fatalf("brigade report %d: %d %s", i, code, body)
		}
	}
	var st api.RoomStatus
	testutil.Eventually(t, 10*time.Second, func() error {
		testutil.DoJSON(t, http.MethodGet, r.base+"/v1/rooms/shop", r.compliance, "", &st)
		if st.Reports == nil || st.Reports.Reports < 50 {
			return fmt.Errorf("room reports %+v", st.Reports)
		}
		return nil
	})
	if !st.Reports.Flood || st.Reports.Floods != 1 || st.Reports.Alerts != 0 {
		t.Fatalf("room status after a brigade: %+v", st.Reports)
	}
	if as := r.viewerAlerts(t, "shop"); len(as) != 0 {
		t.Fatalf("a brigade of new viewers raised %d viewer-reports alerts", len(as))
	}
	_, metrics := testutil.Do(t, http.MethodGet, r.base+"/metrics", mint(t, r.svc, api.RoleMetrics, ""), "")
	if n, ok := testutil.MetricSum(testutil.Metrics(t, metrics), "earshot_report_floods_total"); !ok || n != 1 {
		t.Fatalf("earshot_report_floods_total %v (found %v)", n, ok)
	}

	// Good reporters, a moment no rule caught (the goose down claim).
	good := []string{"amy", "bo", "cy"}
	for _, v := range good {
		r.seed(t, v, reports.Record{Confirmed: 12, Dismissed: 1, Reports: 13})
		if code, body := r.report(t, "shop", r.viewer(t, v), `{"at_ms": 13000, "category": "false-authority", "text": "no farm exists"}`); code != 202 {
			t.Fatalf("%s: %d %s", v, code, body)
		}
	}
	var va api.AlertView
	testutil.Eventually(t, 15*time.Second, func() error {
		as := r.viewerAlerts(t, "shop")
		if len(as) != 1 {
			return fmt.Errorf("%d viewer-reports alerts", len(as))
		}
		va = as[0]
		return nil
	})
	if va.Reports == nil || va.Reports.Reporters != 3 || !va.StaffOnly || va.Reports.Weight < va.Reports.Threshold {
		t.Fatalf("viewer-reports alert %+v (reports %+v)", va.Alert, va.Reports)
	}
	if !strings.Contains(va.Context, "goose down") {
		t.Errorf("the alert's transcript lacks the reported moment: %q (lines %+v)", va.Context, va.Reports.Transcript)
	}

	// The rule alert is corroborated by the brigade's reports (they count
	// as reports, weightless in the burst) and shows it.
	var rule api.AlertView
	testutil.Eventually(t, 5*time.Second, func() error {
		testutil.DoJSON(t, http.MethodGet, r.base+"/v1/alerts/"+ruled.Alerts[0].ID, r.compliance, "", &rule)
		if rule.Corroboration == nil || rule.Corroboration.Reports < 50 {
			return fmt.Errorf("corroboration %+v", rule.Corroboration)
		}
		return nil
	})

	// A poll on the viewer-reports alert.
	var p api.Poll
	if code := testutil.DoJSON(t, http.MethodPost, r.base+"/v1/alerts/"+va.ID+"/poll", r.compliance, `{"question": "Does the farm exist?"}`, &p); code != 201 || p.State != "open" {
		t.Fatalf("open poll: %d %+v", code, p)
	}
	if code, body := testutil.Do(t, http.MethodPost, r.base+"/v1/alerts/"+va.ID+"/poll", r.compliance, `{}`); code != 409 {
		t.Fatalf("a second poll on the alert: %d %s", code, body)
	}
	vote := func(viewer, option string) (int, api.Poll) {
		var out api.Poll
		code := testutil.DoJSON(t, http.MethodPost, r.base+"/v1/rooms/shop/poll/vote", r.viewer(t, viewer), fmt.Sprintf(`{"poll": %q, "option": %q}`, p.ID, option), &out)
		return code, out
	}
	for i, v := range []string{"no", "no", "yes"} {
		if code, out := vote(fmt.Sprintf("voter-%d", i), v); code != 200 || out.Counts != nil || out.Votes != 0 || !out.Voted {
			t.Fatalf("vote %d: %d %+v (counts must stay hidden)", i, code, out)
		}
	}
	if code, _ := vote("voter-0", "yes"); code != 409 {
		t.Fatalf("voting twice: %d", code)
	}
	var seen api.Poll
	testutil.DoJSON(t, http.MethodGet, r.base+"/v1/rooms/shop/poll", r.viewer(t, "voter-9"), "", &seen)
	if seen.State != "open" || seen.Counts != nil || seen.Voted {
		t.Fatalf("viewer's view of the open poll: %+v", seen)
	}
	if code := testutil.DoJSON(t, http.MethodPost, r.base+"/v1/alerts/"+va.ID+"/poll/close", r.compliance, `{}`, &p); code != 200 || p.State != "closed" {
		t.Fatalf("close: %d %+v", code, p)
	}
	testutil.DoJSON(t, http.MethodGet, r.base+"/v1/rooms/shop/poll", r.viewer(t, "voter-9"), "", &seen)
	if seen.Counts["no"] != 2 || seen.Counts["yes"] != 1 || seen.Votes != 3 {
		t.Fatalf("closed poll as viewers see it: %+v", seen)
	}
	var view api.AlertView
	testutil.DoJSON(t, http.MethodGet, r.base+"/v1/alerts/"+va.ID, r.compliance, "", &view)
	if view.Poll == nil || view.Poll.Counts["no"] != 2 {
		t.Fatalf("the alert's poll result: %+v", view.Poll)
	}

	// Staff confirm: each reporter's record counts it.
	if code, body := testutil.Do(t, http.MethodPost, r.base+"/v1/alerts/"+va.ID+"/disposition", r.compliance, `{"decision": "confirmed"}`); code != 201 {
		t.Fatalf("disposition: %d %s", code, body)
	}
	nc := natstest.Connect(t, r.svc.NATSURL(), r.svc.NATSAuth(), natsauth.Service())
	js, _ := jetstream.New(nc)
	kv, err := js.KeyValue(context.Background(), reports.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		for _, v := range good {
			e, err := kv.Get(context.Background(), "rec."+reports.Reporter(v))
			if err != nil {
				return err
			}
			var rec reports.Record
			if err := json.Unmarshal(e.Value(), &rec); err != nil || rec.Confirmed != 13 {
				return fmt.Errorf("%s's record %s", v, e.Value())
			}
		}
		return nil
	})
	// The report events are in the event stream for the trust ledger.
	st2, err := js.Stream(context.Background(), alerter.EventStream)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := st2.GetLastMsgForSubject(context.Background(), alerter.ReportSubject("shop"))
	if err != nil {
		t.Fatalf("no report in %s: %v", alerter.EventStream, err)
	}
	var rep alerter.Report
	if err := json.Unmarshal(msg.Data, &rep); err != nil || rep.Room != "shop" || rep.Reporter == "" || strings.Contains(string(msg.Data), "amy") {
		t.Fatalf("stored report %s (%v)", msg.Data, err)
	}
}
