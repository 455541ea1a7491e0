package api

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestRouteTable(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range Routes {
		p := r.Pattern()
		if seen[p] {
			t.Errorf("%s is listed twice", p)
		}
		seen[p] = true
		if !strings.HasPrefix(r.Path, "/") {
			t.Errorf("%s: path must start with /", p)
		}
		switch r.Method {
		case http.MethodGet, http.MethodPost, http.MethodDelete, http.MethodPatch, http.MethodOptions:
		default:
			t.Errorf("%s: method %q", p, r.Method)
		}
		a := r.Access
		if n := btoi(a.Open) + btoi(a.Session) + btoi(a.AnyToken) + btoi(len(a.Roles) > 0 || a.Anchor || a.RoomAnchor); n != 1 {
			t.Errorf("%s: access %+v: want exactly one of open, session URL, any token, roles", p, a)
		}
		for _, role := range a.Roles {
			if !slices.Contains(Roles, role) || role == RoleAnchor || (role == RoleAdmin && len(a.Roles) > 1) {
				t.Errorf("%s: role %q: want a role of Roles other than anchor (Anchor) and admin (always admitted; alone: AdminOnly)", p, role)
			}
		}
		if a.Anchor && !strings.Contains(r.Path, "{room}") {
			t.Errorf("%s: anchor access needs a {room} in the path", p)
		}
		if a.RoomAnchor && (strings.Contains(r.Path, "{room}") || !a.Identity) {
			t.Errorf("%s: a resource's anchor is for paths without {room}, and needs the token (Recorded)", p)
		}
		if (r.Method == http.MethodPost || r.Method == http.MethodPatch) && len(r.Body) == 0 && r.Path != "/v1/session" &&
			!strings.HasSuffix(r.Path, "/redeliver") { // actions that read no body; SameSite=Strict cookies keep other sites out
			t.Errorf("%s: say which body types it takes (Body)", p)
		}
		for _, mt := range r.Body {
			if mt == "text/plain" || mt == "application/x-www-form-urlencoded" || mt == "multipart/form-data" {
				t.Errorf("%s: %s is a type other origins may send without a pre-flight", p, mt)
			}
		}
		if a.Identity && !a.NeedsToken() {
			t.Errorf("%s: a route that records its author needs a token", p)
		}
		if r.Summary == "" {
			t.Errorf("%s: say what it does", p)
		}
		if got, ok := RouteOf(r.Method, r.Path); !ok || got.Pattern() != p {
			t.Errorf("RouteOf(%s) = %v, %v", p, got, ok)
		}
	}
	if _, ok := RouteOf("GET", "/nope"); ok {
		t.Error("RouteOf found a route that is not listed")
	}
}

func TestExpand(t *testing.T) {
	cases := []struct {
		path string
		vals []string
		want string
	}{
		{"/v1/rooms/{room}", []string{"r1"}, "/v1/rooms/r1"},
		{"/v1/rooms/{room}/timeline", []string{"a b/c"}, "/v1/rooms/a%20b%2Fc/timeline"},
		{"/whip/{room}/{session}", []string{"r", "s"}, "/whip/r/s"},
		{"/v1/rooms", nil, "/v1/rooms"},
		{"/v1/rooms/{room}", nil, "/v1/rooms/{room}"},
	}
	for _, c := range cases {
		if got := Expand(c.path, c.vals...); got != c.want {
			t.Errorf("Expand(%q, %q) = %q, want %q", c.path, c.vals, got, c.want)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestAccessAdmits(t *testing.T) {
	cases := []struct {
		a         Access
		role      Role
		tokenRoom string
		pathRoom  string
		want      bool
	}{
		{Allow(RoleCompliance), RoleCompliance, "", "", true},
		{Allow(RoleCompliance), RolePolicy, "", "", false},
		{Allow(RoleCompliance), RoleAdmin, "", "", true},
		{Allow(RoleCompliance), RoleAnchor, "r1", "r1", false},
		{AnchorOr(RoleIngest), RoleAnchor, "r1", "r1", true},
		{AnchorOr(RoleIngest), RoleAnchor, "r1", "r2", false},
		{AnchorOr(RoleIngest), RoleAnchor, "", "", false},
		{AnchorOr(RoleIngest), RoleIngest, "", "r2", true},
		{AnchorOr(RoleIngest), RoleCompliance, "", "r2", false},
		{Public, RoleAnchor, "r1", "", true},
		{Allow(RoleMetrics), RoleMetrics, "", "", true},
		{ResourceAnchorOr(), RoleAnchor, "r1", "", true},
		{ResourceAnchorOr(), RoleAnchor, "", "", false},
		{ResourceAnchorOr(), RoleCompliance, "", "", false},
		{ResourceAnchorOr(), RoleAdmin, "", "", true},
		{Allow(RoleMetrics), RoleIngest, "", "", false},
	}
	for _, c := range cases {
		if got := c.a.Admits(c.role, c.tokenRoom, c.pathRoom); got != c.want {
			t.Errorf("%s admits %s (room %q) for %q: %v, want %v", c.a, c.role, c.tokenRoom, c.pathRoom, got, c.want)
		}
	}
	if got := AnchorOr(RoleCompliance).String(); got != "anchor of the room, compliance, admin" {
		t.Errorf("String: %q", got)
	}
}
