package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/transcript/store"
)

var t0 = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// transcriptServer is the API over a real on-disk store holding a few
// bilingual utterances.
func transcriptServer(t testing.TB) *httptest.Server {
	t.Helper()
	log := testutil.Quiet()
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
	srv := httptest.NewServer(New(tokened(Options{Transcripts: st, Logger: log})))
	t.Cleanup(srv.Close)
	return srv
}

func TestTranscriptAPI(t *testing.T) {
	c := adminClient(t, transcriptServer(t).URL)
	ctx := context.Background()
	res, err := c.SearchTranscripts(ctx, api.SearchQuery{Q: `"cures diabetes"`})
	if err != nil || res.Total != 1 {
		t.Fatalf("phrase search: %v %+v", err, res)
	}
	h := res.Hits[0]
	if frag := strings.Join(h.Highlights["text"], ""); h.Room != "demo" || !strings.Contains(frag, "<mark>cures diabetes</mark>") {
		t.Errorf("hit %+v", h)
	}
	if _, ok := res.Facets["category"]; !ok {
		t.Errorf("no category facet: %v", res.Facets)
	}
	res, err = c.SearchTranscripts(ctx, api.SearchQuery{Q: "weixin", Rooms: []string{"demo"}})
	if err != nil || res.Total != 1 {
		t.Fatalf("pinyin search: %v %+v", err, res)
	}
	id := res.Hits[0].ID
	if rec, err := c.Transcript(ctx, id); err != nil || rec.Text != "加我威信，全网最低价" {
		t.Errorf("get %s: %v %+v", id, err, rec)
	}
	tl, err := c.Timeline(ctx, "demo", t0.Add(time.Minute), time.Minute, 30*time.Second)
	if err != nil || len(tl.Records) != 2 || !tl.From.Equal(t0) {
		t.Errorf("timeline: %v %+v", err, tl)
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
		var v api.ErrorResponse
		code := testutil.DoJSON(t, "GET", srv.URL+tc.path, admin(t), "", &v)
		if code != tc.code || !strings.Contains(v.Error.Message, tc.want) {
			t.Errorf("GET %s: %d %+v, want %d naming %q", tc.path, code, v, tc.code, tc.want)
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
	tok := admin(f)
	f.Fuzz(func(t *testing.T, raw string) {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return // net/http would refuse it before us
		}
		req, _ := http.NewRequest("GET", srv.URL+"/v1/transcripts?"+vals.Encode(), nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
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

// failingTranscripts is a fake store whose searches fail with err, for the
// answers to store failures that a small real store cannot be made to give.
type failingTranscripts struct {
	Transcripts
	err error
}

func (f failingTranscripts) Search(context.Context, store.Query) (store.Result, error) {
	return store.Result{}, f.err
}

// TestSearchCostAnswers: a costly query is 400 query_too_costly (from the
// real store), full slots 503 busy with Retry-After, a spent budget 503
// search_timeout.
func TestSearchCostAnswers(t *testing.T) {
	real := transcriptServer(t)
	var v api.ErrorResponse
	if code := testutil.DoJSON(t, "GET", real.URL+"/v1/transcripts?q="+url.QueryEscape("*eam"), admin(t), "", &v); code != 400 ||
		v.Error.Code != api.CodeQueryTooCostly || !strings.Contains(v.Error.Message, "wildcard") {
		t.Errorf("leading wildcard: %d %+v, want 400 query_too_costly naming the wildcard", code, v)
	}
	for _, c := range []struct {
		err   error
		code  api.Code
		retry bool
	}{
		{fmt.Errorf("wrapped: %w", store.ErrBusy), api.CodeBusy, true},
		{fmt.Errorf("%w of 5s", store.ErrBudget), api.CodeSearchTimeout, false},
	} {
		srv := httptest.NewServer(New(tokened(Options{Transcripts: failingTranscripts{err: c.err}, Logger: testutil.Quiet()})))
		resp := testutil.Send(t, "GET", srv.URL+"/v1/transcripts?q=cream", admin(t), nil, nil)
		var e api.ErrorResponse
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		srv.Close()
		if resp.StatusCode != 503 || e.Error.Code != c.code || (resp.Header.Get("Retry-After") != "") != c.retry {
			t.Errorf("%v: %d %s Retry-After %q, want 503 %s", c.err, resp.StatusCode, e.Error.Code, resp.Header.Get("Retry-After"), c.code)
		}
	}
}
