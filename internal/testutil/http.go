package testutil

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// maxBody bounds what Do reads of an answer.
const maxBody = 64 << 20

// Do sends one request with an optional bearer token and body and returns
// the status and the answer's bytes. A transport error fails the test.
func Do(t testing.TB, method, url, token, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
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
