package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/reports"
)

// TestReportersEarnTheirWeight: nothing seeded. Three new viewers report
// a moment where no rule fired: nothing (new reporters weigh the prior).
// They report the moment of rule alerts the platform's transcript just
// raised, staff confirm those alerts, and the decisions make their
// records; the same three viewers then raise a viewer-reports alert on a
// moment no rule caught, with the transcript around it, and the
// corroborated case leads the queue. Real HTTP, real NATS.
func TestReportersEarnTheirWeight(t *testing.T) {
	r := newReportsRig(t)
	viewers := []string{"amy", "bo", "cy"}
	report := func(room, v, body string) {
		t.Helper()
		if code, out := r.report(t, room, r.viewer(t, v), body); code != http.StatusAccepted {
			t.Fatalf("%s reports in %s: %d %s", v, room, code, out)
		}
	}
	r.say(t, "farm", line("welcome to the farm shop", 0, 4000), line("it is made of real goose down from our own farm", 30000, 35000))
	for _, v := range viewers {
		report("farm", v, `{"at_ms": 2000, "category": "false-authority"}`)
	}

	// A report in the shop first: the service now holds the room's recent
	// alerts (none). Then five rule alerts, reported right after they were
	// said: the reports must find alerts stored a moment before them.
	for _, v := range viewers {
		report("shop", v, `{"at_ms": 1000, "category": "other"}`)
	}
	var ids []string
	for i := range 5 {
		start := int64(10000 + 2000*i)
		res := r.say(t, "shop", line("this cream cures diabetes", start, start+1500))
		if len(res.Alerts) != 1 {
			t.Fatalf("line %d: %d alerts", i, len(res.Alerts))
		}
		ids = append(ids, res.Alerts[0].ID)
	}
	for _, v := range viewers {
		report("shop", v, `{"at_ms": 19000, "category": "medical-claim"}`)
	}
	for _, id := range ids {
		var a api.AlertView
		testutil.Eventually(t, 5*time.Second, func() error {
			testutil.DoJSON(t, http.MethodGet, r.base+"/v1/alerts/"+id, r.compliance, "", &a)
			if a.Corroboration == nil || a.Corroboration.Reports != 3 {
				return fmt.Errorf("alert %s corroboration %+v, want 3 reporters", id, a.Corroboration)
			}
			return nil
		})
		if code, body := testutil.Do(t, http.MethodPost, r.base+"/v1/alerts/"+id+"/disposition", r.compliance, `{"decision": "confirmed"}`); code != http.StatusCreated {
			t.Fatalf("disposition: %d %s", code, body)
		}
	}
	nc := natstest.Connect(t, r.svc.NATSURL(), r.svc.NATSAuth(), natsauth.Service())
	js, _ := jetstream.New(nc)
	kv, err := js.KeyValue(context.Background(), reports.Bucket)
	if err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		for _, v := range viewers {
			e, err := kv.Get(context.Background(), "rec."+reports.Reporter(v))
			if err != nil {
				return err
			}
			var rec reports.Record
			if err := json.Unmarshal(e.Value(), &rec); err != nil || rec.Confirmed != 5 || rec.Dismissed != 0 {
				return fmt.Errorf("%s's record %s, want 5 confirmed", v, e.Value())
			}
		}
		return nil
	})
	if as := r.viewerAlerts(t, "farm"); len(as) != 0 {
		t.Fatalf("three new reporters raised %d viewer-reports alerts", len(as))
	}

	// Now they have records: the same three raise the goose-down claim.
	for _, v := range viewers {
		report("farm", v, `{"at_ms": 34000, "category": "false-authority", "text": "no such farm"}`)
	}
	var va api.AlertView
	testutil.Eventually(t, 15*time.Second, func() error {
		as := r.viewerAlerts(t, "farm")
		if len(as) != 1 {
			return fmt.Errorf("%d viewer-reports alerts in farm", len(as))
		}
		va = as[0]
		return nil
	})
	// 5 confirmed of 5: weight 2·6/7 − 1 = 0.7143 each.
	if s := va.Reports; s == nil || s.Reporters != 3 || s.NewReporters != 0 || s.Weight != 2.1429 || !va.StaffOnly {
		t.Fatalf("viewer-reports alert %+v (reports %+v)", va.Alert, va.Reports)
	}
	if !strings.Contains(va.Context, "goose down") {
		t.Errorf("the alert's transcript lacks the reported moment: %q", va.Context)
	}
	// The case builder reads the reports on a consumer of its own: its
	// corroboration follows them a moment later.
	testutil.Eventually(t, 15*time.Second, func() error {
		var q api.CaseList
		testutil.DoJSON(t, http.MethodGet, r.base+"/v1/cases?room=shop", r.compliance, "", &q)
		if len(q.Cases) == 0 || q.Cases[0].Corroboration == nil || q.Cases[0].Corroboration.Reports != 3 {
			return fmt.Errorf("the shop's case does not carry its corroboration: %+v", q.Cases)
		}
		return nil
	})
}
