package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/ratelimit"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/golang-jwt/jwt/v5"
)

// TestEveryRouteHasLimits: every route is served through limit, and the
// body table names only routes that exist.
func TestEveryRouteHasLimits(t *testing.T) {
	s := New(Options{Rooms: nopRooms{}, Alerts: &memoryLog{}})
	for p := range s.bodyCaps() {
		if _, ok := routeOf(p); !ok {
			t.Errorf("bodyCaps lists %q, which is not in api.Routes", p)
		}
	}
	for p := range unlimited {
		if _, ok := routeOf(p); !ok {
			t.Errorf("unlimited lists %q, which is not in api.Routes", p)
		}
	}
}

// limitServer is the API over rooms that accept everything, with limits
// changed by tune; tokens "compliance-token" and "ingest-token" verify.
func limitServer(t *testing.T, tune func(*Limits)) *httptest.Server {
	t.Helper()
	ts, _ := limitServerOf(t, tune)
	return ts
}

// limitServerOf is limitServer, with the Server for tests that watch its
// limiter.
func limitServerOf(t *testing.T, tune func(*Limits)) (*httptest.Server, *Server) {
	t.Helper()
	l := DefaultLimits()
	tune(&l)
	// Anonymous calls are allowed: they exercise the per-address buckets.
	toks := namedTokens{"compliance-token": api.RoleCompliance, "ingest-token": api.RoleIngest}
	s := New(Options{Rooms: nopRooms{}, Alerts: &memoryLog{}, UploadDir: t.TempDir(), MaxUpload: 1 << 20, Limits: l,
		Tokens: toks, AllowAnonymous: true,
		TokenRole: func(tok string, now time.Time) (string, error) {
			c, err := toks.Check(tok, now)
			return string(c.Role), err
		}})
	ts := httptest.NewUnstartedServer(s)
	ts.Config = s.HTTPServer("")
	ts.Start()
	t.Cleanup(ts.Close)
	return ts, s
}

// namedTokens is a fake token checker: each name is a token of its role.
type namedTokens map[string]api.Role

func (n namedTokens) Check(tok string, _ time.Time) (auth.Claims, error) {
	r, ok := n[tok]
	if !ok {
		return auth.Claims{}, auth.ErrSignature
	}
	return auth.Claims{Role: r, RegisteredClaims: jwt.RegisteredClaims{Subject: tok, ID: tok}}, nil
}

func errorCode(t *testing.T, resp *http.Response) api.Code {
	t.Helper()
	var e api.ErrorResponse
	data, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err := json.Unmarshal(data, &e); err != nil {
		return ""
	}
	return e.Error.Code
}

func send(t *testing.T, method, url, token string, body io.Reader) *http.Response {
	t.Helper()
	var header http.Header
	if strings.HasSuffix(strings.Split(url, "?")[0], "/audio") {
		header = http.Header{"Content-Type": {"audio/wav"}}
	} else if body != nil {
		header = http.Header{"Content-Type": {"application/json"}}
	}
	return testutil.Send(t, method, url, token, body, header)
}

func TestBodyLimits(t *testing.T) {
	ts := limitServer(t, func(l *Limits) { l.MaxUtteranceBatch, l.MaxUtterances, l.MaxBody = 1024, 3, 2048 })
	utt := ts.URL + "/v1/rooms/r1/utterances"
	long := `[{"text":"` + strings.Repeat("a", 2000) + `"}]`
	batch := func(n int) string {
		us := make([]string, n)
		for i := range us {
			us[i] = `{"text":"hello"}`
		}
		return "[" + strings.Join(us, ",") + "]"
	}
	cases := []struct {
		name, method, url string
		body              io.Reader
		status            int
		code              api.Code
		msg               string
	}{
		{"batch within limits", "POST", utt, strings.NewReader(batch(3)), 200, "", ""},
		{"batch bytes, Content-Length", "POST", utt, strings.NewReader(long), 413, api.CodeTooLarge, "1024"},
		{"batch bytes, chunked", "POST", utt, io.MultiReader(strings.NewReader(long)), 413, api.CodeTooLarge, "1024"},
		{"batch count", "POST", utt, strings.NewReader(batch(4)), 400, api.CodeBadUtterances, "utterances_per_batch"},
		{"any route's body over MaxBody", "GET", ts.URL + "/v1/rooms", strings.NewReader(strings.Repeat("x", 4000)), 413, api.CodeTooLarge, "2048"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := send(t, c.method, c.url, "", c.body)
			status := resp.StatusCode
			var e api.ErrorResponse
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			_ = json.Unmarshal(data, &e)
			if status != c.status || e.Error.Code != c.code || !strings.Contains(e.Error.Message, c.msg) {
				t.Fatalf("%d %s %q, want %d %s naming %q", status, e.Error.Code, e.Error.Message, c.status, c.code, c.msg)
			}
		})
	}
}

func TestRateLimits(t *testing.T) {
	ts := limitServer(t, func(l *Limits) {
		// Rates so slow that no token comes back during the test.
		l.Rate.PerIP = ratelimit.Rate{PerSecond: 0.001, Burst: 2}
		l.Rate.PerToken = ratelimit.Rate{PerSecond: 0.001, Burst: 1}
		l.Rate.Ingest = ratelimit.Rate{PerSecond: 0.001, Burst: 5}
	})
	get := func(tok string) *http.Response { return send(t, "GET", ts.URL+"/v1/rooms", tok, nil) }
	expect := func(what string, resp *http.Response, status int) {
		t.Helper()
		retry := resp.Header.Get("Retry-After")
		code := errorCode(t, resp)
		if resp.StatusCode != status {
			t.Fatalf("%s: %d %s, want %d", what, resp.StatusCode, code, status)
		}
		if status == http.StatusTooManyRequests {
			if n, err := strconv.Atoi(retry); err != nil || n < 1 || code != api.CodeRateLimited {
				t.Fatalf("%s: 429 with Retry-After %q and code %q, want whole seconds >= 1 and rate_limited", what, retry, code)
			}
		}
	}
	for i := range 2 {
		expect(fmt.Sprintf("anonymous request %d of the burst", i+1), get(""), 200)
	}
	expect("anonymous request over the burst", get(""), 429)
	expect("an invented token is charged to the address", get("invented"), 429)
	expect("a verified token has its own bucket", get("compliance-token"), 200)
	expect("the compliance token over its burst", get("compliance-token"), 429)
	for i := range 5 {
		expect(fmt.Sprintf("ingest request %d", i+1), get("ingest-token"), 200)
	}
	expect("the ingest token over its burst", get("ingest-token"), 429)
	expect("health checks are never limited", send(t, "GET", ts.URL+"/healthz", "", nil), 200)
}

// TestUploadSlots: with one upload slot taken by a slow upload, the next
// is refused at once with 503 busy and Retry-After; a stalled upload is
// cut with 408 body_timeout.
func TestUploadSlots(t *testing.T) {
	ts, srv := limitServerOf(t, func(l *Limits) { l.MaxUploads, l.BodyIdle = 1, 300*time.Millisecond })
	pr, pw := io.Pipe()
	first := make(chan *http.Response, 1)
	go func() {
		req, _ := http.NewRequest("POST", ts.URL+"/v1/rooms/r1/audio?pace=fast", pr)
		req.Header.Set("Content-Type", "audio/wav")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- nil
			return
		}
		first <- resp
	}()
	// The first upload holds the slot once its first bytes are read.
	wav := wav16(16000)
	if _, err := pw.Write(wav[:100]); err != nil {
		t.Fatal(err)
	}
	// The client has sent them; wait until the server holds the slot (in
	// CI the second request came first once, and was let in).
	testutil.WaitFor(t, 5*time.Second, "the first upload to hold its slot", func() bool { return len(srv.limiter.uploads) == 1 })
	resp := send(t, "POST", ts.URL+"/v1/rooms/r2/audio?pace=fast", "", strings.NewReader(string(wav)))
	if code := errorCode(t, resp); resp.StatusCode != 503 || code != api.CodeBusy || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second upload: %d %s Retry-After %q, want 503 busy with Retry-After", resp.StatusCode, code, resp.Header.Get("Retry-After"))
	}
	// The first one stalls: it is cut by the body idle timeout.
	r1 := <-first
	if r1 == nil {
		t.Fatal("the stalled upload got no answer")
	}
	if code := errorCode(t, r1); r1.StatusCode != http.StatusRequestTimeout || code != api.CodeBodyTimeout {
		t.Fatalf("stalled upload: %d %s, want 408 body_timeout", r1.StatusCode, code)
	}
	_ = pw.Close()
	// Its slot is free again.
	resp = send(t, "POST", ts.URL+"/v1/rooms/r3/audio?pace=fast", "", strings.NewReader(string(wav)))
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload after the slot was freed: %d %s", resp.StatusCode, errorCode(t, resp))
	}
	resp.Body.Close()
}

// TestFeedOutlivesReadTimeout: an event feed reads no body and lasts far
// longer than the server's ReadTimeout, which must not end it.
func TestFeedOutlivesReadTimeout(t *testing.T) {
	const readTimeout = 100 * time.Millisecond
	e := newReviewEnv(t, func(o *Options) { o.Limits.ReadTimeout, o.Limits.Rate.Off = readTimeout, true })
	feed := openFeed(t, e.url+"/v1/events/alerts", e.compliance)
	opened := time.Now()
	for i := 0; time.Since(opened) < 5*readTimeout; i++ {
		if len(e.say(t, "room-feed", "This cream cures diabetes.")) == 0 {
			t.Fatal("no alert raised")
		}
		if ev := next(t, feed); ev.name != "alert" {
			t.Fatalf("event %+v after %v (%d requests), want an alert", ev, time.Since(opened), i)
		}
	}
}
