package api_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
)

// The client's mechanics against a stand-in handler; the client against the
// real server is tested in package server and in e2e.

func stub(t *testing.T, h http.HandlerFunc) *api.Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := api.New(srv.URL+"/", api.WithToken("tok"), api.WithTimeout(5*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestClientSendsTokenAndDecodes(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer tok" || r.URL.Path != "/v1/rooms/r%201" && r.URL.EscapedPath() != "/v1/rooms/r%201" {
			http.Error(w, "bad request "+r.URL.EscapedPath(), 400)
			return
		}
		io.WriteString(w, `{"room":{"id":"r 1"},"state":"live","heard_ms":1500,"new_field":1}`)
	})
	st, err := c.Room(context.Background(), "r 1")
	if err != nil || st.Room.ID != "r 1" || st.State != "live" || st.HeardMs != 1500 {
		t.Fatalf("Room: %+v %v", st, err)
	}
}

func TestClientErrors(t *testing.T) {
	cases := []struct {
		name    string
		status  int
		body    string
		code    api.Code
		message string
	}{
		{"envelope", 401, `{"error":{"code":"unauthorized","message":"this API needs a token"}}`, api.CodeUnauthorized, "this API needs a token"},
		{"invalid lexicon", 422, `{"error":{"code":"invalid_lexicon","message":"x","errors":[{"file":"f","rule":"r","field":"category","message":"m","text":"t"}]}}`, api.CodeInvalidLexicon, "x"},
		{"not json", 404, "404 page not found\n", "", "404 page not found"},
		{"empty", 502, "", "", "Bad Gateway"},
		{"long text", 500, strings.Repeat("x", 1000), "", strings.Repeat("x", 200) + "…"},
		{"long text, cut between characters", 500, strings.Repeat("界", 100), "", strings.Repeat("界", 66) + "…"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := stub(t, func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			})
			_, err := c.Rooms(context.Background())
			var e *api.Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *api.Error", err)
			}
			if e.Status != tc.status || e.Code != tc.code || e.Message != tc.message || e.Method != "GET" || e.Path != "/v1/rooms" {
				t.Fatalf("got %+v", e)
			}
			if tc.code != "" && !api.IsCode(err, tc.code) {
				t.Errorf("IsCode(%s) false", tc.code)
			}
			if api.StatusOf(err) != tc.status {
				t.Errorf("StatusOf = %d", api.StatusOf(err))
			}
			if tc.code == api.CodeInvalidLexicon && (len(e.Problems) != 1 || e.Problems[0].Field != "category") {
				t.Errorf("problems %+v", e.Problems)
			}
		})
	}
}

func TestClientErrorString(t *testing.T) {
	e := &api.Error{Status: 401, Code: api.CodeUnauthorized, Message: "needs a token"}
	if got := e.Error(); got != "401 unauthorized: needs a token" {
		t.Errorf("%q", got)
	}
	e = &api.Error{Status: 404, Message: "404 page not found"}
	if got := e.Error(); got != "404 not found: 404 page not found" {
		t.Errorf("%q", got)
	}
}

func TestClientBoundsTheAnswer(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		chunk := strings.Repeat(" ", 1<<20)
		for range api.MaxResponseBytes>>20 + 2 {
			if _, err := io.WriteString(w, chunk); err != nil {
				return
			}
		}
	})
	if _, err := c.Health(context.Background()); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("an answer beyond MaxResponseBytes: %v", err)
	}
}

func TestClientTimeout(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-r.Context().Done() // never answers; ends when the client gives up
	}))
	defer srv.Close()
	c, err := api.New(srv.URL, api.WithTimeout(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Health(context.Background()); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("want a deadline error, got %v", err)
	}
}

func TestClientStillFlushing(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"error":{"code":"still_flushing","message":"context deadline exceeded"}}`)
	})
	r, flushing, err := c.RemoveRoom(context.Background(), "r1")
	if err != nil || !flushing || !r.Removed || r.Room != "r1" {
		t.Fatalf("%+v %v %v", r, flushing, err)
	}
}

func TestClientQueries(t *testing.T) {
	var got string
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.RequestURI()
		io.WriteString(w, `{"total":0,"hits":[]}`)
	})
	at := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	_, err := c.SearchTranscripts(context.Background(), api.SearchQuery{Q: `"cures diabetes"`, Rooms: []string{"a", "b"}, From: at, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	want := "/v1/transcripts?from=2026-03-10T12%3A00%3A00Z&q=%22cures+diabetes%22&room=a&room=b&size=5"
	if got != want {
		t.Errorf("search sent %s, want %s", got, want)
	}
}

func TestClientRefusesWrongContentType(t *testing.T) {
	c := stub(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		io.WriteString(w, "<html>")
	})
	if _, err := c.Clip(context.Background(), "01J0000000000000000000000A"); err == nil || !strings.Contains(err.Error(), "audio/wav") {
		t.Fatalf("a clip that is not audio/wav: %v", err)
	}
}

func TestNewValidatesURL(t *testing.T) {
	for _, bad := range []string{"", "127.0.0.1:8080", "ftp://x", "http://", "http://x?y=1", "://"} {
		if _, err := api.New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
	c, err := api.New("https://earshot.example.com/base/")
	if err != nil || c.BaseURL() != "https://earshot.example.com/base" {
		t.Errorf("%v %v", c, err)
	}
}
