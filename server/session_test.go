package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestSessionCookie: a page signs in with its token and the server answers
// with an HttpOnly, SameSite=Strict cookie that then opens the API without
// any header; an anchor's cookie is scoped to its room's feed; signing out
// clears both.
func TestSessionCookie(t *testing.T) {
	e := newReviewEnv(t)
	signIn := func(tok string) *http.Cookie {
		t.Helper()
		resp := testutil.Send(t, "POST", e.url+"/v1/session", tok, nil, nil)
		defer resp.Body.Close()
		var s api.Session
		if err := json.NewDecoder(resp.Body).Decode(&s); err != nil || resp.StatusCode != 200 || s.Subject == "" {
			t.Fatalf("sign in: %d %+v %v", resp.StatusCode, s, err)
		}
		cs := resp.Cookies()
		if len(cs) != 1 || !cs[0].HttpOnly || cs[0].SameSite != http.SameSiteStrictMode || cs[0].MaxAge <= 0 {
			t.Fatalf("cookie %+v", cs)
		}
		return cs[0]
	}
	get := func(path string, c *http.Cookie) int {
		t.Helper()
		header := http.Header{}
		if c != nil {
			header.Set("Cookie", (&http.Cookie{Name: c.Name, Value: c.Value}).String())
		}
		resp := testutil.Send(t, "GET", e.url+path, "", nil, header)
		resp.Body.Close()
		return resp.StatusCode
	}
	staff := signIn(e.compliance)
	if staff.Name != cookieStaff || staff.Path != "/" {
		t.Errorf("staff cookie %s path %s", staff.Name, staff.Path)
	}
	if got := get("/v1/alerts", staff); got != 200 {
		t.Errorf("alerts with the cookie: %d", got)
	}
	if got := get("/v1/session", staff); got != 200 {
		t.Errorf("who am I with the cookie: %d", got)
	}
	room := signIn(e.token(t, api.RoleAnchor, "room-a"))
	if room.Name != cookieRoom || room.Path != "/v1/events/rooms/room-a/reminders" {
		t.Errorf("room cookie %s path %s", room.Name, room.Path)
	}
	if got := get("/v1/alerts", room); got != 401 {
		t.Errorf("alerts with an anchor's cookie: %d, want 401 (only the anchor's routes read it)", got)
	}
	resp := testutil.Send(t, "DELETE", e.url+"/v1/session?room=room-a", "", nil, nil)
	resp.Body.Close()
	var cleared []string
	for _, c := range resp.Cookies() {
		if c.MaxAge < 0 {
			cleared = append(cleared, c.Name+" "+c.Path)
		}
	}
	if resp.StatusCode != 204 || strings.Join(cleared, ",") != "earshot_token /,earshot_room /v1/events/rooms/room-a/reminders" {
		t.Errorf("sign out: %d, cleared %v", resp.StatusCode, cleared)
	}
	if got := get("/v1/session", nil); got != 401 {
		t.Errorf("who am I without a token: %d", got)
	}
}
