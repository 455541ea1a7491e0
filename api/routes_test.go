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
		if !slices.Contains(Accesses, r.Access) {
			t.Errorf("%s: access %q is not one of %v", p, r.Access, Accesses)
		}
		if r.Summary == "" {
			t.Errorf("%s: say what it does", p)
		}
		if r.QueryToken && (r.Access == Public || r.Access == Policy) {
			t.Errorf("%s: a %s route takes no ?token=", p, r.Access)
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
