package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
	"github.com/earshot/earshot/transcript"
)

// memoryLog keeps sent alerts so /v1/alerts can be read back.
type memoryLog struct{ testdouble.Sink }

func (m *memoryLog) Page(_ context.Context, q natsink.Query) (natsink.Page, error) {
	var out []alerter.Alert
	for _, a := range m.List() {
		if q.Room == "" || a.Room == q.Room {
			out = append(out, a)
		}
	}
	return natsink.Page{Alerts: out}, nil
}

func newTestServer(t testing.TB) *httptest.Server {
	t.Helper()
	eng := testdouble.DefaultEngine(t)
	log := &memoryLog{}
	ctx, cancel := context.WithCancel(context.Background())
	reg := rooms.New(ctx, pipeline.Config{Recognizer: testdouble.Silent{}, Matcher: pipeline.Static(eng), Sink: log}, nil)
	srv := httptest.NewServer(New(tokened(Options{Rooms: reg, Alerts: log, UploadDir: t.TempDir(), MaxUpload: 1 << 20})))
	t.Cleanup(func() { srv.Close(); cancel(); reg.Wait() })
	return srv
}

// wav16 builds a minimal 16 kHz mono 16-bit WAV of n samples.
func wav16(n int) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	b.WriteString("RIFF")
	le(uint32(36 + 2*n))
	b.WriteString("WAVEfmt ")
	le(uint32(16))
	le(uint16(1))
	le(uint16(1))
	le(uint32(16000))
	le(uint32(32000))
	le(uint16(2))
	le(uint16(16))
	b.WriteString("data")
	le(uint32(2 * n))
	b.Write(make([]byte, 2*n))
	return b.Bytes()
}

// apiClient is a client of the test server at url.
func apiClient(t *testing.T, url string, opts ...api.Option) *api.Client {
	t.Helper()
	c, err := api.New(url, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestUtterancesAlertAndLog(t *testing.T) {
	c := adminClient(t, newTestServer(t).URL)
	ctx := context.Background()
	res, err := c.PostUtterances(ctx, api.Room{ID: "r1", Anchor: "a1"},
		api.Utterance{Text: "this cream cures diabetes"}, api.Utterance{Text: "nice weather today", StartMs: 10, EndMs: 20})
	if err != nil {
		t.Fatal(err)
	}
	if res.Room != "r1" || res.Utterances != 2 || len(res.Alerts) == 0 {
		t.Fatalf("no alert for a medical claim: %+v", res)
	}
	if first := res.Alerts[0]; first.Category != "medical-claim" || first.Anchor != "a1" {
		t.Errorf("alert = %+v", first)
	}
	if logged, err := c.Alerts(ctx, api.AlertQuery{Room: "r1"}); err != nil || len(logged) != len(res.Alerts) {
		t.Errorf("alert log has %d (%v), want %d", len(logged), err, len(res.Alerts))
	}
	if other, err := c.Alerts(ctx, api.AlertQuery{Room: "r2"}); err != nil || len(other) != 0 {
		t.Errorf("room r2 sees r1's alerts: %+v %v", other, err)
	}
}

func TestAudioUploadRuns(t *testing.T) {
	c := adminClient(t, newTestServer(t).URL)
	ctx := context.Background()
	acc, err := c.UploadAudio(ctx, api.Room{ID: "r1"}, api.PaceFast, bytes.NewReader(wav16(16000)))
	if err != nil || acc.DurationMs != 1000 || acc.Realtime {
		t.Fatalf("upload: %+v %v", acc, err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		st, err := c.Room(ctx, "r1")
		if err == nil && st.State != string(rooms.StateEnded) {
			err = fmt.Errorf("upload still %s", st.State)
		}
		if err == nil && st.HeardMs != 1000 {
			t.Errorf("heard %d ms of 1000", st.HeardMs)
		}
		return err
	})
}

func TestBadInput(t *testing.T) {
	srv := newTestServer(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		mention                  string
	}{
		{"bad room", "POST", "/v1/rooms/a.b/utterances", `{"text":"x"}`, 400, "room"},
		{"empty body", "POST", "/v1/rooms/r/utterances", ``, 400, "empty"},
		{"not json", "POST", "/v1/rooms/r/utterances", `{"text":`, 400, "JSON"},
		{"unknown field", "POST", "/v1/rooms/r/utterances", `{"txt":"x"}`, 400, "txt"},
		{"empty text", "POST", "/v1/rooms/r/utterances", `{"text":"  "}`, 400, "text"},
		{"negative time", "POST", "/v1/rooms/r/utterances", `{"text":"x","start_ms":-1}`, 400, "start_ms"},
		{"end before start", "POST", "/v1/rooms/r/utterances", `{"text":"x","start_ms":9,"end_ms":3}`, 400, "end_ms"},
		{"trailing data", "POST", "/v1/rooms/r/utterances", `{"text":"x"} {}`, 400, "after"},
		{"empty array", "POST", "/v1/rooms/r/utterances", `[]`, 400, "utterances"},
		{"garbage wav", "POST", "/v1/rooms/r/audio", "hello, not audio", 400, "wav"},
		{"empty wav", "POST", "/v1/rooms/r/audio", "", 400, "empty"},
		{"truncated wav", "POST", "/v1/rooms/r/audio", string(wav16(100)[:30]), 400, "wav"},
		{"bad pace", "POST", "/v1/rooms/r/audio?pace=slow", string(wav16(10)), 400, "pace"},
		{"too large", "POST", "/v1/rooms/r/audio", string(wav16(600000)), 413, "exceeds"},
		// Browser safety: types a form or a simple cross-origin fetch sends.
		{"text/plain utterance", "POST", "/v1/rooms/r/utterances#text/plain", `{"text":"x"}`, 415, "application/json"},
		{"form utterance", "POST", "/v1/rooms/r/utterances#application/x-www-form-urlencoded", `text=x`, 415, "application/json"},
		{"json audio", "POST", "/v1/rooms/r/audio#application/json", `{}`, 415, "audio/wav"},
		{"bad limit", "GET", "/v1/alerts?limit=0", "", 400, "limit"},
		{"huge limit", "GET", "/v1/alerts?limit=99999999999999999999", "", 400, "limit"},
		{"bad since", "GET", "/v1/alerts?since=yesterday", "", 400, "since"},
		{"unknown parameter", "GET", "/v1/alerts?severity=high", "", 400, "unknown parameter \"severity\""},
		{"repeated parameter", "GET", "/v1/alerts?room=a&room=b", "", 400, "given 2 times"},
		{"room with a dot", "GET", "/v1/alerts?room=a.b", "", 400, "room"},
		{"room wildcard", "GET", "/v1/alerts?room=%2A", "", 400, "room"},
		{"category wildcard", "GET", "/v1/alerts?category=%3E", "", 400, "categor"},
		{"unknown room", "GET", "/v1/rooms/nobody", "", 404, "nobody"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v api.ErrorResponse
			// The body's type: JSON, WAV for uploads, or the path's #fragment.
			path, ctype, _ := strings.Cut(tc.path, "#")
			if ctype == "" && strings.HasSuffix(strings.Split(path, "?")[0], "/audio") {
				ctype = "audio/wav"
			} else if ctype == "" && tc.method == "POST" {
				ctype = "application/json"
			}
			code, data := testutil.DoWith(t, tc.method, srv.URL+path, admin(t), ctype, tc.body)
			if err := json.Unmarshal(data, &v); err != nil {
				t.Fatalf("answer is not JSON: %q", data)
			}
			status := code
			msg := string(v.Error.Code) + ": " + v.Error.Message
			if status != tc.status || v.Error.Code.Status() != status || !strings.Contains(strings.ToLower(msg), strings.ToLower(tc.mention)) {
				t.Errorf("got %d %s, want %d mentioning %q", status, msg, tc.status, tc.mention)
			}
		})
	}
}

func TestBusyRoomConflicts(t *testing.T) {
	c := adminClient(t, newTestServer(t).URL)
	ctx := context.Background()
	body := wav16(16000 * 30)
	if _, err := c.UploadAudio(ctx, api.Room{ID: "r1"}, api.PaceRealtime, bytes.NewReader(body)); err != nil {
		t.Fatalf("first upload: %v", err)
	}
	_, err := c.UploadAudio(ctx, api.Room{ID: "r1"}, api.PaceRealtime, bytes.NewReader(body))
	if !api.IsCode(err, api.CodeRoomBusy) || api.StatusOf(err) != http.StatusConflict {
		t.Fatalf("second upload to a live room: %v, want 409 room_busy", err)
	}
}

// FuzzAPI throws arbitrary paths, queries and bodies at the API: it must
// answer every one with JSON and never a 5xx.
func FuzzAPI(f *testing.F) {
	f.Add("POST", "/v1/rooms/r/utterances", `{"text":"加我威信"}`)
	f.Add("GET", "/v1/alerts?room=r&limit=5&since=2026-01-01T00:00:00Z", "")
	f.Add("POST", "/v1/rooms/r/audio?pace=fast", string(wav16(8)))
	srv := New(tokened(Options{Rooms: nopRooms{}, Alerts: &memoryLog{}, UploadDir: f.TempDir(), MaxUpload: 1 << 16}))
	tok := admin(f)
	f.Fuzz(func(t *testing.T, method, target, body string) {
		if method != "GET" && method != "POST" {
			method = "POST"
		}
		req, err := http.NewRequest(method, "http://127.0.0.1"+target, strings.NewReader(body))
		if err != nil || !strings.HasPrefix(req.URL.Path, "/") {
			return
		}
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %q -> %d %s", method, target, rec.Code, rec.Body)
		}
	})
}

// nopRooms accepts everything and starts nothing, so fuzzing does not leave
// sessions running.
type nopRooms struct{}

func (nopRooms) StartAudio(_ pipeline.Room, src ingest.Source, _ bool) (string, error) {
	if c, ok := src.(io.Closer); ok {
		_ = c.Close()
	}
	return "s", nil
}
func (nopRooms) Utterances(context.Context, pipeline.Room, []transcript.Hypothesis) ([]alerter.Alert, error) {
	return nil, nil
}
func (nopRooms) Rooms() []rooms.Status            { return nil }
func (nopRooms) Room(string) (rooms.Status, bool) { return rooms.Status{}, false }
