package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest/ring"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// newRoomsServer serves a registry with a store and evidence, taking WHIP
// rooms only (no puller).
func newRoomsServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	log := &memoryLog{}
	reg, err := rooms.Open(context.Background(), pipeline.Config{Recognizer: testdouble.Silent{}, Matcher: pipeline.Static(eng), Sink: log},
		rooms.Options{StorePath: filepath.Join(dir, "rooms.json"), EvidenceDir: filepath.Join(dir, "evidence")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Options{Rooms: reg, Alerts: log, UploadDir: t.TempDir(), MaxUpload: 1 << 20}))
	t.Cleanup(func() { srv.Close(); reg.Close() })
	return srv, filepath.Join(dir, "evidence")
}

func TestPostRoomErrors(t *testing.T) {
	srv, _ := newRoomsServer(t)
	tests := []struct {
		body   string
		status int
		field  string
	}{
		{`{"id":"r1","source":"whip","anchor":"a"}`, http.StatusCreated, ""},
		{`{"id":"r1","source":"whip"}`, http.StatusConflict, "already registered"},
		{`{"id":"r/2","source":"whip"}`, http.StatusBadRequest, "id:"},
		{`{"id":"r2"}`, http.StatusBadRequest, "source:"},
		{`{"id":"r2","source":"gopher://x"}`, http.StatusBadRequest, "source:"},
		{`{"id":"r2","source":"rtmp://h/live/k"}`, http.StatusBadRequest, "source:"}, // no puller here
		{`{"id":"r2","source":"whip","extra":1}`, http.StatusBadRequest, "extra:"},
		{`{"id":"r2","source":"whip","anchor":5}`, http.StatusBadRequest, "anchor:"},
		{`not json`, http.StatusBadRequest, "body:"},
		{``, http.StatusBadRequest, "body:"},
	}
	for _, tc := range tests {
		status, v := do(t, "POST", srv.URL+"/v1/rooms", tc.body)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d: %v", tc.body, status, tc.status, v)
			continue
		}
		if tc.field == "" {
			continue
		}
		e, _ := v["error"].(map[string]any)
		if msg, _ := e["message"].(string); !strings.Contains(msg, tc.field) {
			t.Errorf("%s: message %q does not name %q", tc.body, msg, tc.field)
		}
	}
	status, v := do(t, "GET", srv.URL+"/v1/rooms/r1", "")
	if status != http.StatusOK || v["state"] != string(rooms.StateWaiting) || v["registered"] != true || v["registered_source"] != "whip" {
		t.Errorf("GET r1: %d %v", status, v)
	}
	if status, v := do(t, "DELETE", srv.URL+"/v1/rooms/r1", ""); status != http.StatusOK {
		t.Errorf("DELETE: %d %v", status, v)
	}
	if status, _ := do(t, "DELETE", srv.URL+"/v1/rooms/r1", ""); status != http.StatusNotFound {
		t.Errorf("second DELETE: %d", status)
	}
	if status, _ := do(t, "DELETE", srv.URL+"/v1/rooms/a.b", ""); status != http.StatusBadRequest {
		t.Errorf("DELETE bad id: %d", status)
	}
}

func TestGetClip(t *testing.T) {
	srv, dir := newRoomsServer(t)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	id := alerter.NewID(time.Now())
	if err := ring.SaveWAV(filepath.Join(dir, id+".wav"), make([]int16, 1600)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL + "/v1/alerts/" + id + "/clip")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "audio/wav" || !strings.HasPrefix(string(body), "RIFF") {
		t.Fatalf("clip: %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), body[:min(len(body), 8)])
	}
	for path, want := range map[string]int{
		"/v1/alerts/" + alerter.NewID(time.Now()) + "/clip": http.StatusNotFound,
		"/v1/alerts/..%2F..%2Frooms.json/clip":              http.StatusBadRequest,
		"/v1/alerts/" + strings.ToLower(id) + "/clip":       http.StatusBadRequest,
		"/v1/alerts/" + id + "x/clip":                       http.StatusBadRequest,
	} {
		if status, v := do(t, "GET", srv.URL+path, ""); status != want {
			t.Errorf("%s: %d, want %d: %v", path, status, want, v)
		}
	}
}
