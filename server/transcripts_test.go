package server

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/transcript/store"
)

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// transcriptServer is the API over a real on-disk store holding a few
// bilingual utterances.
func transcriptServer(t testing.TB) *httptest.Server {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := store.Open(store.Options{Dir: t.TempDir(), Logger: log, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	for i, text := range []string{"This cream cures diabetes.", "Add me on WeChat for a discount.", "加我威信，全网最低价"} {
		st.Add(store.Record{Room: "demo", Anchor: "amy", Session: "s", Utterance: uint64(i + 1),
			At: t0.Add(time.Duration(i) * time.Minute), Text: text,
			Hits: []store.RecordHit{{RuleID: "r" + string(rune('a'+i)), Category: "private-goods"}}})
	}
	if err := st.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(Options{Transcripts: st, Logger: log}))
	t.Cleanup(srv.Close)
	return srv
}

func getBody(t testing.TB, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var v map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		t.Fatalf("GET %s: body is not JSON: %v", url, err)
	}
	return resp.StatusCode, v
}

func TestTranscriptAPI(t *testing.T) {
	srv := transcriptServer(t)
	code, v := getBody(t, srv.URL+"/v1/transcripts?q="+url.QueryEscape(`"cures diabetes"`))
	if code != 200 || v["total"].(float64) != 1 {
		t.Fatalf("phrase search: %d %v", code, v)
	}
	h := v["hits"].([]any)[0].(map[string]any)
	frag := h["highlights"].(map[string]any)["text"].([]any)[0].(string)
	if h["room"] != "demo" || !strings.Contains(frag, "<mark>cures diabetes</mark>") || h["start_ms"] == nil {
		t.Errorf("hit %v", h)
	}
	if _, ok := v["facets"].(map[string]any)["category"]; !ok {
		t.Errorf("no category facet: %v", v["facets"])
	}
	code, v = getBody(t, srv.URL+"/v1/transcripts?q=weixin&room=demo")
	if code != 200 || v["total"].(float64) != 1 {
		t.Fatalf("pinyin search: %d %v", code, v)
	}
	id := v["hits"].([]any)[0].(map[string]any)["id"].(string)
	code, rec := getBody(t, srv.URL+"/v1/transcripts/"+url.PathEscape(id))
	if code != 200 || rec["text"] != "加我威信，全网最低价" {
		t.Errorf("get %s: %d %v", id, code, rec)
	}
	code, tl := getBody(t, srv.URL+"/v1/rooms/demo/timeline?at=2026-03-10T12:01:00Z&before=1m&after=30s")
	if code != 200 || len(tl["records"].([]any)) != 2 {
		t.Errorf("timeline: %d %v", code, tl)
	}
}

func TestTranscriptBadInput(t *testing.T) {
	srv := transcriptServer(t)
	cases := []struct {
		path string
		code int
		want string
	}{
		{"/v1/transcripts?q=" + url.QueryEscape(`"open phrase`), 400, "q:"},
		{"/v1/transcripts?q=cream~9", 400, "fuzziness"},
		{"/v1/transcripts?page=999999999999999999999", 400, "page"},
		{"/v1/transcripts?page=5000&size=100", 400, "beyond"},
		{"/v1/transcripts?size=0", 400, "size"},
		{"/v1/transcripts?size=101", 400, "size"},
		{"/v1/transcripts?from=yesterday", 400, "from"},
		{"/v1/transcripts?from=2026-03-11T00:00:00Z&to=2026-03-10T00:00:00Z", 400, "after"},
		{"/v1/transcripts?sort=loud", 400, "sort"},
		{"/v1/transcripts?room=bad%20room", 400, "room"},
		{"/v1/transcripts?catgory=x", 400, "catgory"},
		{"/v1/transcripts?q=a&q=b", 400, "once"},
		{"/v1/transcripts/nope", 404, "nope"},
		{"/v1/rooms/demo/timeline", 400, "at"},
		{"/v1/rooms/demo/timeline?at=2026-03-10T12:00:00Z&before=5h", 400, "before"},
		{"/v1/rooms/ghost/timeline?at=2026-03-10T12:00:00Z", 404, "ghost"},
		{"/v1/rooms/b%20d/timeline?at=2026-03-10T12:00:00Z", 400, "room"},
	}
	for _, tc := range cases {
		code, v := getBody(t, srv.URL+tc.path)
		msg, _ := json.Marshal(v)
		if code != tc.code || !strings.Contains(string(msg), tc.want) {
			t.Errorf("GET %s: %d %s, want %d naming %q", tc.path, code, msg, tc.code, tc.want)
		}
	}
}

// FuzzTranscriptQuery checks that no query string makes the search API
// fail on its side: every answer is JSON, 200 or a 4xx.
func FuzzTranscriptQuery(f *testing.F) {
	for _, seed := range []string{"q=cream", "q=%22cures+diabetes%22", "q=weixin&room=demo", "q=cream~2&sort=time",
		"page=3&size=100", "from=2026-03-10T00:00:00Z&to=2026-03-11T00:00:00Z", "q=/a(b/", "q=at:>%22x%22",
		"q=start_ms:>10", "q=*", "q=全网", "category=private-goods&category=x", "q=%2B%2B", "size=-1"} {
		f.Add(seed)
	}
	srv := transcriptServer(f)
	f.Fuzz(func(t *testing.T, raw string) {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return // net/http would refuse it before us
		}
		resp, err := http.Get(srv.URL + "/v1/transcripts?" + vals.Encode())
		if err != nil {
			return // not a URL the client sends
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode >= 500 || !json.Valid(body) {
			t.Fatalf("%q: %d %s", raw, resp.StatusCode, body)
		}
	})
}
