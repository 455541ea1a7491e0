package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/trust"
)

// trustTraffic posts an hour of a room's speech for anchor and merchant
// (60 one-minute sentences, one of them a violation of the default
// lexicon), confirms that alert as staff and returns its id.
func trustTraffic(t *testing.T, svc *app.Service, room, anchor, merchant string) string {
	t.Helper()
	base := "http://" + svc.HTTPAddr()
	var us []api.Utterance
	for i := range 60 {
		text := fmt.Sprintf("Welcome to the room, sentence %d.", i)
		if i == 30 {
			text = "It is the best cream in the world."
		}
		us = append(us, api.Utterance{Text: text, StartMs: int64(i) * 60_000, EndMs: int64(i+1) * 60_000})
	}
	body, _ := json.Marshal(us)
	q := url.Values{"anchor": {anchor}, "merchant": {merchant}}
	var res api.UtterancesResult
	if code := testutil.DoJSON(t, "POST", base+"/v1/rooms/"+room+"/utterances?"+q.Encode(), mint(t, svc, api.RoleIngest, ""), string(body), &res); code != http.StatusOK || len(res.Alerts) == 0 {
		t.Fatalf("posting utterances: %d %+v", code, res)
	}
	id := res.Alerts[0].ID
	staff := mint(t, svc, api.RoleCompliance, "")
	if code, out := testutil.Do(t, "POST", base+"/v1/alerts/"+id+"/disposition", staff, `{"decision":"confirmed","note":"said on air"}`); code != http.StatusCreated {
		t.Fatalf("confirming %s: %d %s", id, code, out)
	}
	return id
}

// TestTrustLedger: speech posted to a room becomes its anchor's and
// merchant's airtime and violations in the ledger, staff's confirmation
// moves the score, the API ranks and exports them, and a recommendation
// system's NATS user hears the merchant's score change.
func TestTrustLedger(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	nc := natstest.Connect(t, svc.NATSURL(), svc.NATSAuth(), natsauth.Trust())
	sub, err := nc.SubscribeSync(alerter.TrustSubjectPrefix + ".>")
	if err != nil {
		t.Fatal(err)
	}
	trustTraffic(t, svc, "trust-room", "amy", "好物商店")
	base := "http://" + svc.HTTPAddr()
	staff := mint(t, svc, api.RoleCompliance, "")

	// One confirmed alert, its severity's weight w in one hour:
	// violations_per_hour w, sub 2/(2+w); confirmed_share 1 (sub 0).
	var rep api.TrustReport
	testutil.Eventually(t, 20*time.Second, func() error {
		rep = api.TrustReport{}
		code := testutil.DoJSON(t, "GET", base+"/v1/trust/anchors/amy", staff, "", &rep)
		if code != http.StatusOK {
			return fmt.Errorf("GET amy: %d", code)
		}
		got := map[string]float64{}
		for _, in := range rep.Indicators {
			got[in.Name] = in.Value
		}
		if got["airtime_hours"] != 1 || got["alerts"] != 1 || got["confirmed"] != 1 {
			return fmt.Errorf("amy's indicators %v", got)
		}
		return nil
	})
	var w float64
	for k := range rep.Violations {
		_, sev, _ := strings.Cut(k, "/")
		w = trust.SeverityWeight(sev)
	}
	want := 40*round4(2/(2+w)) + 15 + 20 + 10
	if d := rep.Score - want; d > 0.01 || d < -0.01 {
		t.Errorf("amy's score %v, want %v (%+v)", rep.Score, want, rep.Indicators)
	}

	var merchant api.TrustReport
	if code := testutil.DoJSON(t, "GET", base+"/v1/trust/merchants/"+url.PathEscape("好物商店"), staff, "", &merchant); code != 200 || merchant.Score != rep.Score {
		t.Errorf("merchant: %d %+v", code, merchant)
	}
	var list api.TrustList
	if code := testutil.DoJSON(t, "GET", base+"/v1/trust/anchors?sort=score&limit=5", staff, "", &list); code != 200 || list.Total != 1 || list.Accounts[0].ID != "amy" {
		t.Errorf("list: %d %+v", code, list)
	}
	if code, body := testutil.Do(t, "GET", base+"/v1/trust/merchants?format=csv", staff, ""); code != 200 || len(body) == 0 {
		t.Errorf("csv: %d %s", code, body)
	}
	for _, bad := range []string{"/v1/trust/anchors/nobody", "/v1/trust/anchors?limit=abc"} {
		if code, _ := testutil.Do(t, "GET", base+bad, staff, ""); code != 404 && code != 400 {
			t.Errorf("GET %s: %d", bad, code)
		}
	}

	deadline := time.Now().Add(20 * time.Second)
	for {
		m, err := sub.NextMsg(time.Until(deadline))
		if err != nil {
			t.Fatalf("no earshot.trust message with the merchant's score %v: %v", rep.Score, err)
		}
		var c trust.Change
		if err := json.Unmarshal(m.Data, &c); err != nil {
			t.Fatal(err)
		}
		if m.Subject != alerter.TrustSubject(trust.Token("好物商店")) || c.Merchant != "好物商店" {
			t.Fatalf("change on %s: %+v", m.Subject, c)
		}
		if c.Score == rep.Score {
			break
		}
	}

	code, body := testutil.Do(t, "GET", base+"/metrics", mint(t, svc, api.RoleMetrics, ""), "")
	if code != http.StatusOK {
		t.Fatalf("metrics: %d", code)
	}
	fams := testutil.Metrics(t, body)
	for name, least := range map[string]float64{"earshot_trust_applied_total": 60, "earshot_trust_writer": 1,
		"earshot_trust_published_total": 1, "earshot_trust_accounts": 2, "earshot_trust_flushes_total": 1} {
		if v, ok := testutil.MetricSum(fams, name); !ok || v < least {
			t.Errorf("%s = %v (found %v), want at least %v", name, v, ok, least)
		}
	}
}

func round4(v float64) float64 { return float64(int64(v*1e4+0.5)) / 1e4 }

// cleanTraffic posts ten clean minutes for anchor and merchant; the
// returned check says whether the ledger has counted them.
func cleanTraffic(t *testing.T, svc *app.Service, room, anchor, merchant string) func() bool {
	t.Helper()
	base := "http://" + svc.HTTPAddr()
	var us []api.Utterance
	for i := range 10 {
		us = append(us, api.Utterance{Text: "Welcome, everyone.", StartMs: int64(i) * 60_000, EndMs: int64(i+1) * 60_000})
	}
	body, _ := json.Marshal(us)
	q := url.Values{"anchor": {anchor}, "merchant": {merchant}}
	if code, out := testutil.Do(t, "POST", base+"/v1/rooms/"+room+"/utterances?"+q.Encode(), mint(t, svc, api.RoleIngest, ""), string(body)); code != http.StatusOK {
		t.Fatalf("posting utterances: %d %s", code, out)
	}
	staff := mint(t, svc, api.RoleCompliance, "")
	return func() bool {
		var rep api.TrustReport
		return testutil.DoJSON(t, "GET", base+"/v1/trust/anchors/"+anchor, staff, "", &rep) == 200 && rep.Score == 100
	}
}
