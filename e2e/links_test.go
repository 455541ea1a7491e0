package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
)

// TestReturningViolator: a banned anchor's WeChat id and phone number,
// said again by a new anchor in another room (as letters, as Chinese and
// English number words), raise returning-violator alerts naming the banned
// anchor with both sides' evidence, over real HTTP, the utterance stream
// and the alert stream; a benign hotline and the banned anchor repeating
// their own id raise nothing; raw identifiers are compliance's only.
func TestReturningViolator(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	ctx := testutil.Context(t, 60*time.Second)
	tok := func(role api.Role, subject string) string {
		t.Helper()
		s, err := svc.Mint(auth.Request{Role: role, Subject: subject})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	ingest := anonClient(t, svc, api.WithToken(tok(api.RoleIngest, "platform")))
	compliance := anonClient(t, svc, api.WithToken(tok(api.RoleCompliance, "alice@compliance")))
	policy := anonClient(t, svc, api.WithToken(tok(api.RolePolicy, "pat@policy")))
	base := "http://" + svc.HTTPAddr()

	// The old anchor's room is registered; the new ones post with ?anchor=.
	if _, err := apiClient(t, svc).AddRoom(ctx, api.RoomSpec{ID: "old-room", Source: "whip", Anchor: "old-anchor", Merchant: "old-shop"}); err != nil {
		t.Fatal(err)
	}
	say := func(room api.Room, text string) api.UtterancesResult {
		t.Helper()
		res, err := ingest.PostUtterances(ctx, room, api.Utterance{Text: text, StartMs: 1000, EndMs: 4000})
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		for _, a := range res.Alerts {
			if a.Category == "returning-violator" {
				t.Errorf("the utterances answer tells the platform of a returning-violator alert: %+v", a)
			}
		}
		return res
	}
	oldRoom := api.Room{ID: "old-room"}
	say(oldRoom, "家人们加我微信 abc123，客服热线 400-820-8820")
	say(oldRoom, "call me on 138 0013 8000")

	ban, err := compliance.AddBan(ctx, api.BanRequest{Anchor: "old-anchor", Reason: "sold counterfeit creams, case 2026-114"})
	if err != nil {
		t.Fatal(err)
	}
	if ban.By != "alice@compliance" || ban.Action != "ban" || ban.At.IsZero() || ban.Kind != "anchor" {
		t.Errorf("ban %+v", ban)
	}
	if _, err := compliance.MarkBenign(ctx, api.BenignRequest{Value: "400 820 8820", Note: "the brand's hotline"}); err != nil {
		t.Fatal(err)
	}

	newRoom := api.Room{ID: "new-room", Anchor: "new-anchor", Merchant: "new-shop"}
	overlay := reminders(t, svc, "new-room") // what the new anchor's overlay hears
	say(newRoom, "客服热线四零零八二零八八二零")           // benign: nothing
	enRoom := api.Room{ID: "en-room", Anchor: "en-anchor"}
	say(api.Room{ID: "old-room-2", Anchor: "old-anchor", Merchant: "other-shop"}, "my wechat is a b c one two three") // their own id
	say(newRoom, "V信 a b c 1 2 3 有优惠")
	say(enRoom, "call one three eight double oh one three eight zero zero zero")

	var alerts []api.AlertView
	testutil.Eventually(t, 20*time.Second, func() error {
		alerts, err = compliance.Alerts(ctx, api.AlertQuery{Category: "returning-violator"})
		if err == nil && len(alerts) < 2 {
			err = fmt.Errorf("%d returning-violator alerts, want 2", len(alerts))
		}
		return err
	})
	if len(alerts) != 2 {
		t.Fatalf("%d alerts, want 2 (zh and en): %+v", len(alerts), alerts)
	}
	byRoom := map[string]api.Alert{}
	for _, v := range alerts {
		byRoom[v.Alert.Room] = v.Alert
	}
	for room, kind := range map[string]string{"new-room": "wechat", "en-room": "phone"} {
		a, ok := byRoom[room]
		if !ok {
			t.Errorf("no alert in %s: %v", room, byRoom)
			continue
		}
		if !a.StaffOnly || len(a.Links) != 1 {
			t.Errorf("%s: alert %+v", room, a)
			continue
		}
		l := a.Links[0]
		if l.AccountKind != "anchor" || l.AccountID != "old-anchor" || l.Reason != ban.Reason || l.By != "alice@compliance" ||
			l.IdentifierKind != kind || l.Earlier.Room != "old-room" || l.Earlier.At.IsZero() || l.Earlier.EndMs != 4000 {
			t.Errorf("%s: link %+v", room, l)
		}
	}
	if a := byRoom["new-room"]; a.Anchor != "new-anchor" || a.Merchant != "new-shop" {
		t.Errorf("the new room's accounts (from ?anchor=&merchant=) are %q/%q", a.Anchor, a.Merchant)
	}

	// The anchor was not tipped off: a later sentence's reminder arrives,
	// and none before it was about the link.
	// The same unregistered room with another ?anchor= is that anchor's now
	// (a new text session), the merchant kept.
	if res := say(api.Room{ID: "new-room", Anchor: "third-anchor"}, "this is the best cream in the world"); len(res.Alerts) != 1 ||
		res.Alerts[0].Anchor != "third-anchor" || res.Alerts[0].Merchant != "new-shop" {
		t.Errorf("alerts after a change of anchor: %+v", res.Alerts)
	}
	for done := false; !done; {
		select {
		case r := <-overlay:
			if r.Category == "returning-violator" {
				t.Errorf("the new anchor was reminded of the link: %+v", r)
			}
			done = r.Category == "absolute-claim"
		case <-ctx.Done():
			t.Fatal("no reminder for the later sentence")
		}
	}

	// The links view: raw values for compliance, hashes for policy.
	view, err := compliance.Links(ctx, "anchor", "new-anchor")
	if err != nil {
		t.Fatal(err)
	}
	// old-anchor (banned), old-shop (its room's merchant), other-shop (where
	// old-anchor said it again); not new-shop, this room's own merchant.
	if !view.RawValues || len(view.Linked) != 3 || view.Linked[0].ID != "old-anchor" || view.Linked[0].Ban == nil ||
		view.Linked[0].Strength != 0.8 || view.Linked[0].Shared[0].Value != "abc123" {
		t.Errorf("compliance view %+v", view)
	}
	for _, id := range view.Identifiers {
		if id.Value == "4008208820" {
			t.Errorf("the benign hotline was recorded: %+v", id)
		}
	}
	pv, err := policy.Links(ctx, "anchor", "new-anchor")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(pv)
	if pv.RawValues || strings.Contains(string(raw), "abc123") || strings.Contains(string(raw), "V信") || len(pv.Linked) != 3 {
		t.Errorf("policy sees raw values: %s", raw)
	}
	if code, _ := testutil.Do(t, http.MethodGet, base+"/v1/links?anchor=new-anchor", tok(api.RoleIngest, "x"), ""); code != http.StatusForbidden {
		t.Errorf("ingest reads links: %d", code)
	}
	bans, err := policy.Bans(ctx)
	if err != nil || len(bans) != 1 || bans[0].ID != "old-anchor" || bans[0].Anchor != "old-anchor" || bans[0].Merchant != "" {
		t.Errorf("bans %+v %v", bans, err)
	}
	if _, err := compliance.LiftBan(ctx, "anchor", "old-anchor"); err != nil {
		t.Fatal(err)
	}
	if bans, _ := compliance.Bans(ctx); len(bans) != 0 {
		t.Errorf("after lifting: %+v", bans)
	}
}

// TestBanAPIErrors: bad input on the ban and links routes gets a named
// error code.
func TestBanAPIErrors(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	comp := mint(t, svc, api.RoleCompliance, "")
	base := "http://" + svc.HTTPAddr()
	long := strings.Repeat("x", 129)
	for _, tt := range []struct {
		name, method, path, body string
		want                     api.Code
	}{
		{"both accounts", "POST", "/v1/bans", `{"anchor":"a","merchant":"m","reason":"r"}`, api.CodeBadAccount},
		{"neither account", "POST", "/v1/bans", `{"reason":"r"}`, api.CodeBadAccount},
		{"id too long", "POST", "/v1/bans", `{"anchor":"` + long + `","reason":"r"}`, api.CodeBadAccount},
		{"control character id", "POST", "/v1/bans", `{"anchor":"a\u0007b","reason":"r"}`, api.CodeBadAccount},
		{"no reason", "POST", "/v1/bans", `{"anchor":"a"}`, api.CodeBadBan},
		{"oversized reason", "POST", "/v1/bans", `{"anchor":"a","reason":"` + strings.Repeat("r", api.MaxBanReason+1) + `"}`, api.CodeBadBan},
		{"unknown action", "POST", "/v1/bans", `{"anchor":"a","reason":"r","action":"mute"}`, api.CodeBadBan},
		{"a by of someone else", "POST", "/v1/bans", `{"anchor":"a","reason":"r","by":"mallory"}`, api.CodeBadBan},
		{"not JSON", "POST", "/v1/bans", `anchor=a`, api.CodeBadBan},
		{"lift unknown", "DELETE", "/v1/bans?anchor=nobody", "", api.CodeUnknownBan},
		{"lift neither", "DELETE", "/v1/bans", "", api.CodeBadAccount},
		{"links both", "GET", "/v1/links?anchor=a&merchant=b", "", api.CodeBadAccount},
		{"links unknown parameter", "GET", "/v1/links?shop=a", "", api.CodeBadQuery},
		{"links anchor twice", "GET", "/v1/links?anchor=a&anchor=b", "", api.CodeBadQuery},
		{"bans unknown parameter", "GET", "/v1/bans?kind=anchor", "", api.CodeBadQuery},
		{"benign both", "POST", "/v1/links/benign", `{"value":"400","hash":"00"}`, api.CodeBadBenign},
		{"benign bad hash", "POST", "/v1/links/benign", `{"hash":"xyz"}`, api.CodeBadBenign},
		{"benign no identifier", "POST", "/v1/links/benign", `{"value":"--"}`, api.CodeBadBenign},
		{"unmark bad hash", "DELETE", "/v1/links/benign?hash=zz", "", api.CodeBadBenign},
		{"utterances with a control character anchor", "POST", "/v1/rooms/r1/utterances?anchor=a%07b", `{"text":"hi"}`, api.CodeBadQuery},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tokn := comp
			if strings.Contains(tt.path, "utterances") {
				tokn = mint(t, svc, api.RoleIngest, "")
			}
			code, body := testutil.DoWith(t, tt.method, base+tt.path, tokn, "application/json", tt.body)
			var e api.ErrorResponse
			if err := json.Unmarshal(body, &e); err != nil || e.Error.Code != tt.want || code != tt.want.Status() {
				t.Errorf("%d %s, want %d %s", code, body, tt.want.Status(), tt.want)
			}
		})
	}
}

// TestLinksRetention: links.retention bounds how long a mention is kept
// after it was last heard: the links view forgets it by itself.
func TestLinksRetention(t *testing.T) {
	svc := startService(t, func(c *config.Config) {
		c.Recognizer.Engine = "none"
		c.Links.Retention = config.Duration(time.Second)
	})
	ctx := testutil.Context(t, 30*time.Second)
	ingest := anonClient(t, svc, api.WithToken(mint(t, svc, api.RoleIngest, "")))
	staff := anonClient(t, svc, api.WithToken(mint(t, svc, api.RoleCompliance, "")))
	if _, err := ingest.PostUtterances(ctx, api.Room{ID: "r1", Anchor: "a1"}, api.Utterance{Text: "加我微信 abc123"}); err != nil {
		t.Fatal(err)
	}
	v, err := staff.Links(ctx, "anchor", "a1")
	if err != nil || len(v.Identifiers) != 1 {
		t.Fatalf("view right after: %+v %v", v, err)
	}
	testutil.Eventually(t, 15*time.Second, func() error {
		v, err := staff.Links(ctx, "anchor", "a1")
		if err == nil && len(v.Identifiers) != 0 {
			err = fmt.Errorf("%d identifiers still kept", len(v.Identifiers))
		}
		return err
	})
}

// TestBanCatchesVestAccountsAlreadyOnAir: the vest account came back and
// said the old account's phone number (in English words) before
// compliance banned the old one; POST /v1/bans raises the
// returning-violator alert at once, naming the banned account, with both
// sentences, over real HTTP and NATS.
func TestBanCatchesVestAccountsAlreadyOnAir(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	ctx := testutil.Context(t, 60*time.Second)
	ingest := anonClient(t, svc, api.WithToken(mint(t, svc, api.RoleIngest, "")))
	staff, err := svc.Mint(auth.Request{Role: api.RoleCompliance, Subject: "alice@compliance"})
	if err != nil {
		t.Fatal(err)
	}
	compliance := anonClient(t, svc, api.WithToken(staff))
	for _, u := range []struct {
		room api.Room
		text string
	}{
		{api.Room{ID: "old-room", Anchor: "old-anchor", Merchant: "old-shop"}, "call me on 138 1234 5678"},
		{api.Room{ID: "vest-room", Anchor: "vest-anchor", Merchant: "vest-shop"}, "call one three eight, one two three four, five six seven eight"},
	} {
		if _, err := ingest.PostUtterances(ctx, u.room, api.Utterance{Text: u.text, StartMs: 1000, EndMs: 4000}); err != nil {
			t.Fatal(err)
		}
	}
	// The identifiers are recorded before the ban.
	testutil.Eventually(t, 10*time.Second, func() error {
		v, err := compliance.Links(ctx, "anchor", "vest-anchor")
		if err == nil && len(v.Identifiers) == 0 {
			err = fmt.Errorf("vest-anchor's identifiers not recorded yet")
		}
		return err
	})
	if as, _ := compliance.Alerts(ctx, api.AlertQuery{Category: "returning-violator"}); len(as) != 0 {
		t.Fatalf("%d returning-violator alerts before any ban", len(as))
	}
	if _, err := compliance.AddBan(ctx, api.BanRequest{Anchor: "old-anchor", Reason: "sold counterfeit creams"}); err != nil {
		t.Fatal(err)
	}
	var alerts []api.AlertView
	testutil.Eventually(t, 10*time.Second, func() (err error) {
		alerts, err = compliance.Alerts(ctx, api.AlertQuery{Category: "returning-violator"})
		if err == nil && len(alerts) != 1 {
			err = fmt.Errorf("%d returning-violator alerts after the ban, want 1", len(alerts))
		}
		return err
	})
	a := alerts[0].Alert
	if a.Room != "vest-room" || a.Anchor != "vest-anchor" || !a.StaffOnly || len(a.Links) != 1 || a.Links[0].AccountID != "old-anchor" ||
		a.Links[0].Earlier.Room != "old-room" || a.Links[0].By != "alice@compliance" || !strings.Contains(a.Context, "one three eight") {
		t.Fatalf("alert %+v", a)
	}
}
