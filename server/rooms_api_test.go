package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/ingest/ring"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// newRoomsServer serves a registry with a store and evidence, taking WHIP
// rooms only (no puller).
func newRoomsServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	eng := testdouble.DefaultEngine(t)
	dir := t.TempDir()
	log := &memoryLog{}
	reg, err := rooms.Open(context.Background(), pipeline.Config{Recognizer: testdouble.Silent{}, Matcher: pipeline.Static(eng), Sink: log},
		rooms.Options{StorePath: filepath.Join(dir, "rooms.json"), EvidenceDir: filepath.Join(dir, "evidence")})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(tokened(Options{Rooms: reg, Alerts: log, UploadDir: t.TempDir(), MaxUpload: 1 << 20})))
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
		var v api.ErrorResponse
		status := testutil.DoJSON(t, "POST", srv.URL+"/v1/rooms", admin(t), tc.body, &v)
		if status != tc.status {
			t.Errorf("%s: status %d, want %d: %+v", tc.body, status, tc.status, v)
			continue
		}
		if tc.field != "" && !strings.Contains(v.Error.Message, tc.field) {
			t.Errorf("%s: message %q does not name %q", tc.body, v.Error.Message, tc.field)
		}
	}
	c := adminClient(t, srv.URL)
	ctx := context.Background()
	st, err := c.Room(ctx, "r1")
	if err != nil || st.State != string(rooms.StateWaiting) || !st.Registered || st.RegisteredSource != "whip" || st.Room.Anchor != "a" {
		t.Errorf("GET r1: %v %+v", err, st)
	}
	if r, flushing, err := c.RemoveRoom(ctx, "r1"); err != nil || flushing || !r.Removed || r.Room != "r1" {
		t.Errorf("DELETE: %+v %v %v", r, flushing, err)
	}
	if _, _, err := c.RemoveRoom(ctx, "r1"); !api.IsCode(err, api.CodeUnknownRoom) {
		t.Errorf("second DELETE: %v", err)
	}
	if _, _, err := c.RemoveRoom(ctx, "a.b"); !api.IsCode(err, api.CodeBadRoom) {
		t.Errorf("DELETE bad id: %v", err)
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
	wav, err := adminClient(t, srv.URL).Clip(context.Background(), id) // checks it is audio/wav
	if err != nil || !strings.HasPrefix(string(wav), "RIFF") {
		t.Fatalf("clip: %v %q", err, wav[:min(len(wav), 8)])
	}
	for path, want := range map[string]int{
		"/v1/alerts/" + alerter.NewID(time.Now()) + "/clip": http.StatusNotFound,
		"/v1/alerts/..%2F..%2Frooms.json/clip":              http.StatusBadRequest,
		"/v1/alerts/" + strings.ToLower(id) + "/clip":       http.StatusBadRequest,
		"/v1/alerts/" + id + "x/clip":                       http.StatusBadRequest,
	} {
		var v api.ErrorResponse
		if status := testutil.DoJSON(t, "GET", srv.URL+path, admin(t), "", &v); status != want {
			t.Errorf("%s: %d, want %d: %+v", path, status, want, v)
		}
	}
}
