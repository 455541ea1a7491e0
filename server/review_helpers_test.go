package server

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/alerter/escalation"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
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
	// anon calls without a token, staff with the compliance token, ingest
	// with an ingest token (posting speech).
	anon, staff, ingest *api.Client
}

func newReviewEnv(t *testing.T, tune ...func(*Options)) *reviewEnv {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nc := natstest.InProcess(t, natstest.Start(t, ""))
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	disp, err := disposition.Open(ctx, nc, disposition.Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		t.Fatal(err)
	}
	eng := testdouble.DefaultEngine(t)
	regCtx, stop := context.WithCancel(context.Background())
	reg := rooms.New(regCtx, pipeline.Config{Recognizer: testdouble.Silent{}, Matcher: pipeline.Static(eng), Sink: sink}, testutil.Quiet())
	signer := handlerKey()
	srv := newTuned(Options{
		Rooms: reg, Alerts: sink, UploadDir: t.TempDir(), Logger: testutil.Quiet(),
		Tokens: authtest.Checker(signer, nil), Bus: nc, Dispositions: disp, Lookup: sink.Log(),
		Escalations: escalation.NewLog(js),
	}, tune...)
	ts := httptest.NewUnstartedServer(srv)
	ts.Config = srv.HTTPServer("")
	ts.Start()
	tok := authtest.Mint(t, signer, auth.Request{Role: api.RoleCompliance, Subject: "li"})
	t.Cleanup(func() {
		ts.Close()
		stop()
		reg.Wait()
		_ = sink.Close()
	})
	return &reviewEnv{url: ts.URL, http: ts.Config, nc: nc, signer: signer, compliance: tok,
		anon: apiClient(t, ts.URL), staff: apiClient(t, ts.URL, api.WithToken(tok)),
		ingest: apiClient(t, ts.URL, api.WithToken(authtest.Token(t, signer, api.RoleIngest, "")))}
}

// newTuned is New with opts changed by each of tune.
func newTuned(opts Options, tune ...func(*Options)) *Server {
	for _, f := range tune {
		f(&opts)
	}
	return New(opts)
}

func (e *reviewEnv) token(t *testing.T, role api.Role, room string) string {
	t.Helper()
	return authtest.Token(t, e.signer, role, room)
}

// say posts text as room's speech and returns the alerts it raised.
func (e *reviewEnv) say(t *testing.T, room, text string) []api.Alert {
	t.Helper()
	res, err := e.ingest.PostUtterances(context.Background(), api.Room{ID: room}, api.Utterance{Text: text})
	if err != nil {
		t.Fatalf("posting %q: %v", text, err)
	}
	return res.Alerts
}

// newest returns the id of room's newest stored alert: alerts from posted
// text are answered before the sink gives them an id.
func (e *reviewEnv) newest(t *testing.T, room string) string {
	t.Helper()
	list, err := e.staff.Alerts(context.Background(), api.AlertQuery{Room: room})
	if err != nil || len(list) == 0 {
		t.Fatalf("no stored alert in %s (%v)", room, err)
	}
	return list[len(list)-1].ID
}

type sseEvent struct{ name, id, data string }

// openFeed connects to an event feed and returns its events once "ready"
// arrived; the feed closes with the test.
func openFeed(t *testing.T, url, tok string) <-chan sseEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
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
