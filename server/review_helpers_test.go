package server

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// reviewEnv is the API on a real embedded NATS with the real alert stream,
// dispositions bucket and default lexicon.
type reviewEnv struct {
	url        string
	http       *http.Server
	nc         *nats.Conn
	signer     *auth.Signer
	compliance string
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func newReviewEnv(t *testing.T) *reviewEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ns := natstest.Start(t, "")
	nc, err := ns.Connect()
	if err != nil {
		t.Fatal(err)
	}
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := disposition.Open(ctx, nc, disposition.Options{Logger: quietLog()})
	if err != nil {
		t.Fatal(err)
	}
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	regCtx, stop := context.WithCancel(context.Background())
	reg := rooms.New(regCtx, pipeline.Config{Recognizer: testdouble.Silent{}, Matcher: pipeline.Static(eng), Sink: sink}, quietLog())
	signer := auth.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	api := New(Options{
		Rooms: reg, Alerts: sink, UploadDir: t.TempDir(), Logger: quietLog(),
		Tokens: signer, Bus: nc, Dispositions: disp, Lookup: sink.Log(),
	})
	ts := httptest.NewUnstartedServer(api)
	ts.Config = api.HTTPServer("")
	ts.Start()
	tok, err := signer.Sign(auth.Claims{Role: "compliance"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ts.Close()
		stop()
		reg.Wait()
		_ = sink.Close()
		nc.Close()
		_ = ns.Shutdown(context.Background())
	})
	return &reviewEnv{url: ts.URL, http: ts.Config, nc: nc, signer: signer, compliance: tok}
}

func (e *reviewEnv) token(t *testing.T, c auth.Claims) string {
	t.Helper()
	tok, err := e.signer.Sign(c)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// say posts text as room's speech and returns the alerts it raised.
func (e *reviewEnv) say(t *testing.T, room, text string) []map[string]any {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"text": text})
	resp, err := http.Post(e.url+"/v1/rooms/"+room+"/utterances", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Alerts []map[string]any `json:"alerts"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("posting %q: %s %v", text, resp.Status, err)
	}
	return out.Alerts
}

// newest returns the id of room's newest stored alert: alerts from posted
// text are answered before the sink gives them an id.
func (e *reviewEnv) newest(t *testing.T, room string) string {
	t.Helper()
	var list struct {
		Alerts []struct{ ID string } `json:"alerts"`
	}
	if code := e.do(t, "GET", "/v1/alerts?room="+room, "", "", &list); code != http.StatusOK || len(list.Alerts) == 0 {
		t.Fatalf("no stored alert in %s (%d)", room, code)
	}
	return list.Alerts[len(list.Alerts)-1].ID
}

// do sends a request with an optional bearer token and decodes JSON.
func (e *reviewEnv) do(t *testing.T, method, path, tok, body string, v any) int {
	t.Helper()
	req, err := http.NewRequest(method, e.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if v != nil {
		if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
			t.Fatalf("%s %s: %s, body not JSON: %v", method, path, resp.Status, err)
		}
	}
	return resp.StatusCode
}

type sseEvent struct{ name, id, data string }

// openFeed connects to an event feed and returns its events once "ready"
// arrived; the feed closes with the test.
func openFeed(t *testing.T, url string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("GET %s: %s %s", url, resp.Status, b)
	}
	ch := make(chan sseEvent, 16)
	go func() {
		defer resp.Body.Close()
		defer close(ch)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev.name != "" {
					ch <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, "event: "):
				ev.name = line[7:]
			case strings.HasPrefix(line, "id: "):
				ev.id = line[4:]
			case strings.HasPrefix(line, "data: "):
				ev.data = line[6:]
			}
		}
	}()
	if ev := next(t, ch); ev.name != "ready" {
		t.Fatalf("first event %+v, want ready", ev)
	}
	return ch
}

func next(t *testing.T, ch <-chan sseEvent) sseEvent {
	t.Helper()
	select {
	case ev, ok := <-ch:
		if !ok {
			t.Fatal("feed closed")
		}
		return ev
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return sseEvent{}
}
