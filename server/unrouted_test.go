package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestUnroutedAnswersJSON: a path no route has, and a method a path does
// not take, are answered in the API's error shape naming them (not the
// mux's plain text), with the methods the path takes in Allow; routed
// requests are unchanged.
func TestUnroutedAnswersJSON(t *testing.T) {
	e := newReviewEnv(t)
	for _, c := range []struct {
		method, path string
		code         api.Code
		says, allow  string
	}{
		{http.MethodGet, "/v1/nosuch", api.CodeNoRoute, "GET /v1/nosuch: no route", ""},
		{http.MethodDelete, "/v1/alerts", api.CodeMethodNotAllowed, "this path takes GET, HEAD", "GET, HEAD"},
		{http.MethodPut, "/v1/alerts/01KX/disposition", api.CodeMethodNotAllowed, "this path takes POST", "POST"},
	} {
		req, err := http.NewRequest(c.method, e.url+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+e.compliance)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var env api.ErrorResponse
		err = json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		if err != nil {
			t.Errorf("%s %s: the answer is not JSON: %v", c.method, c.path, err)
		}
		if resp.StatusCode != c.code.Status() || env.Error.Code != c.code || !strings.Contains(env.Error.Message, c.says) ||
			resp.Header.Get("Allow") != c.allow || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %d %s %+v Allow %q, want %d %s naming %q, Allow %q", c.method, c.path, resp.StatusCode,
				resp.Header.Get("Content-Type"), env.Error, resp.Header.Get("Allow"), c.code.Status(), c.code, c.says, c.allow)
		}
	}
	// A routed request is untouched: the guard still answers first.
	if code, _ := testutil.Do(t, http.MethodGet, e.url+"/v1/alerts", "", ""); code != http.StatusUnauthorized {
		t.Errorf("GET /v1/alerts without a token: %d, want 401", code)
	}
}
