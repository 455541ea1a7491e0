package server

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// readyFunc adapts a function to Readier.
type readyFunc func(context.Context) error

func (f readyFunc) Ready(ctx context.Context) error { return f(ctx) }

// TestReadyz: 200 with every check when all pass; 503 naming each failing
// check and its reason otherwise; notices shown either way; a check that
// hangs fails within the bound instead of hanging the probe. /healthz stays
// 200 throughout.
func TestReadyz(t *testing.T) {
	ok := readyFunc(func(context.Context) error { return nil })
	full := readyFunc(func(context.Context) error { return errors.New("no space left on device") })
	hang := readyFunc(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
	moved := func() []api.Notice {
		return []api.Notice{{Kind: api.NoticeQuarantined, Subject: "2026-03-10", Path: "/d/2026-03-10.quarantined-x", Message: "checksum"}}
	}
	for _, tc := range []struct {
		name    string
		checks  []ReadyCheck
		status  int
		failing []string
	}{
		{"all pass", []ReadyCheck{{Name: "a", Check: ok}, {Name: "b", Check: ok, Notices: moved}}, http.StatusOK, nil},
		{"one fails", []ReadyCheck{{Name: "a", Check: ok}, {Name: "transcripts", Check: full}}, http.StatusServiceUnavailable, []string{"transcripts"}},
		{"two fail", []ReadyCheck{{Name: "x", Check: full}, {Name: "y", Check: full}}, http.StatusServiceUnavailable, []string{"x", "y"}},
		{"one hangs", []ReadyCheck{{Name: "a", Check: ok}, {Name: "stuck", Check: hang}}, http.StatusServiceUnavailable, []string{"stuck"}},
		{"no checks", nil, http.StatusOK, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(New(Options{Ready: tc.checks}))
			defer srv.Close()
			c, err := api.New(srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			t0 := time.Now()
			r, err := c.Ready(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(t0); d > readyTimeout+time.Second {
				t.Errorf("readyz took %s", d)
			}
			var failing []string
			for _, f := range r.Failing() {
				failing = append(failing, f.Name)
				if f.Error == "" {
					t.Errorf("failing check %s has no reason", f.Name)
				}
			}
			if len(failing) != len(tc.failing) || (len(failing) > 0 && !same(failing, tc.failing)) {
				t.Errorf("failing %v, want %v", failing, tc.failing)
			}
			if want := map[bool]string{true: api.StatusReady, false: api.StatusUnready}[tc.status == http.StatusOK]; r.Status != want {
				t.Errorf("status %q, want %q", r.Status, want)
			}
			if len(r.Checks) != len(tc.checks) {
				t.Errorf("%d checks reported, want %d", len(r.Checks), len(tc.checks))
			}
			if b, ok := r.Check("b"); ok && (len(b.Notices) != 1 || b.Notices[0].Path == "") {
				t.Errorf("notices of b: %+v", b.Notices)
			}
			resp := testutil.Send(t, "GET", srv.URL+"/readyz", "", nil, nil)
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Errorf("GET /readyz: %d, want %d", resp.StatusCode, tc.status)
			}
			if h, err := c.Health(context.Background()); err != nil || h.Status != "ok" {
				t.Errorf("healthz: %+v %v", h, err)
			}
		})
	}
}

func same(a, b []string) bool {
	seen := map[string]int{}
	for _, s := range a {
		seen[s]++
	}
	for _, s := range b {
		seen[s]--
	}
	for _, n := range seen {
		if n != 0 {
			return false
		}
	}
	return true
}
