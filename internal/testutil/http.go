package testutil

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// maxBody bounds what Do reads of an answer.
const maxBody = 64 << 20

// RequestTimeout bounds a request of Send, its answer's body included: a
// server that hangs fails the test instead of stalling the suite.
const RequestTimeout = 2 * time.Minute

// Send sends one request with an optional bearer token, body (nil: none)
// and header (nil: none), and returns the response for the test to read
// and close. A request that cannot be built or sent fails the test. It
// uses http.DefaultClient, so that tests that close its idle connections
// before a goroutine count close Send's too.
func Send(t testing.TB, method, url, token string, body io.Reader, header http.Header) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(Context(t, RequestTimeout), method, url, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return resp
}

// Do is Send with a text body, returning the status and the answer's
// bytes; a POST, PUT or PATCH is sent as application/json (the API's JSON
// routes refuse any other type with 415).
func Do(t testing.TB, method, url, token, body string) (int, []byte) {
	t.Helper()
	ctype := ""
	if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		ctype = "application/json"
	}
	return DoWith(t, method, url, token, ctype, body)
}

// DoWith is Do with the body's Content-Type (none when empty).
func DoWith(t testing.TB, method, url, token, ctype, body string) (int, []byte) {
	t.Helper()
	var header http.Header
	if ctype != "" {
		header = http.Header{"Content-Type": {ctype}}
	}
	resp := Send(t, method, url, token, strings.NewReader(body), header)
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, url, err)
	}
	return resp.StatusCode, data
}

// DoJSON is Do decoding the answer into out (nil: not decoded); an answer
// that is not JSON fails the test.
func DoJSON(t testing.TB, method, url, token, body string, out any) int {
	t.Helper()
	status, data := Do(t, method, url, token, body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d, answer is not JSON: %v: %.200q", method, url, status, err, data)
		}
	}
	return status
}
