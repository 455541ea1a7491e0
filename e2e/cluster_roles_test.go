package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/links"
)

// roleNode configures a node of roles on the server at url, connecting
// with creds (the creds of its roles unless given).
func roleNode(url, creds, dir string, roles ...string) func(*config.Config) {
	return func(c *config.Config) {
		c.DataDir = dir
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
		c.Recognizer.Engine = "none"
		c.Ingest.AllowHosts = []string{"127.0.0.1/32"}
		c.Cluster.Roles = roles
		c.Cluster.StartupTimeout = config.Duration(time.Minute)
		c.NATS.URL, c.NATS.CredsFile = url, creds
	}
}

// roleStarter starts nodes configured by roleNode, logging to denied
// (which checks that no node was refused a permission), each closed when
// the test ends.
func roleStarter(t *testing.T, denied *violationLog) func(mutate func(*config.Config)) *app.Service {
	return func(mutate func(*config.Config)) *app.Service {
		t.Helper()
		cfg := config.Default()
		cfg.HTTP.Addr = "127.0.0.1:0"
		mutate(&cfg)
		svc, err := app.Start(context.Background(), cfg, slog.New(denied))
		if err != nil {
			t.Fatalf("starting %v: %v", cfg.Cluster.Roles, err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			svc.Close(ctx)
		})
		return svc
	}
}

func roleCreds(t *testing.T, keys *natsauth.Authority, roles ...string) string {
	t.Helper()
	r, err := natsauth.ParseRole(strings.Join(roles, ","))
	if err != nil {
		t.Fatal(err)
	}
	return natstest.CredsFile(t, keys, natsauth.User{Role: r, Name: string(r)})
}

// TestClusterRoleCreds: every node of a cluster connects with only its
// own role's NATS user (operator mode, no service user anywhere): the api
// node makes the shared streams, the others bind to them, and together
// they work: posted text is scanned into alerts and reminders, indexed and
// found, and a pulled room is claimed by the ingest worker.
func TestClusterRoleCreds(t *testing.T) {
	srv := natstest.Start(t, "")
	url, keys := srv.ClientURL(), srv.Auth()
	apiDir := t.TempDir()
	var denied violationLog
	start := roleStarter(t, &denied)
	apiNode := start(roleNode(url, roleCreds(t, keys, "api"), apiDir, "api"))
	join := func() string { return joinDir(t, apiDir, app.LexiconKeyFile, links.KeyFile) }
	start(roleNode(url, roleCreds(t, keys, "scan"), join(), "scan"))
	idx := start(roleNode(url, roleCreds(t, keys, "index"), join(), "index"))
	start(roleNode(url, roleCreds(t, keys, "ingest"), join(), "ingest"))
	defer denied.check(t)

	c := apiClient(t, apiNode)
	ctx := context.Background()
	anchor := natstest.Connect(t, url, keys, natsauth.Anchor("room0"))
	heard, err := anchor.SubscribeSync(alerter.ReminderSubject("room0"))
	if err != nil {
		t.Fatal(err)
	}
	if err := anchor.Flush(); err != nil {
		t.Fatal(err)
	}
	final := true
	for i := range 6 {
		room := api.Room{ID: fmt.Sprint("room", i%3), Anchor: "anchor-" + fmt.Sprint(i%3)}
		if _, err := c.PostUtterances(ctx, room, api.Utterance{Text: fmt.Sprintf("say the alpha phrase number %d", i), Final: &final}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := heard.NextMsg(20 * time.Second); err != nil {
		t.Fatalf("no reminder from the scan node: %v", err)
	}
	testutil.WaitFor(t, 20*time.Second, "the scan node's alerts in the log", func() bool {
		as, err := c.Alerts(ctx, api.AlertQuery{})
		return err == nil && len(as) >= 3
	})
	testutil.WaitFor(t, 20*time.Second, "every utterance indexed and found", func() bool {
		_ = idx.Transcripts().Flush(ctx)
		res, err := c.SearchTranscripts(ctx, api.SearchQuery{Q: "alpha", Size: 10})
		return err == nil && res.Total == 6 && !res.Partial
	})

	// The api node's own work: decisions, lexicon versions, a backtest,
	// webhooks, bans, viewer reports, token revocations.
	as, err := c.Alerts(ctx, api.AlertQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Dispose(ctx, as[0].ID, api.DispositionRequest{Decision: "confirmed"}); err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile("testdata/lexicon/v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Backtest(ctx, api.BacktestRequest{YAML: y}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PublishYAML(ctx, append(y, '\n'), "again"); err != nil {
		t.Fatal(err)
	}
	hook := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer hook.Close()
	if _, err := c.CreateWebhook(ctx, api.WebhookRequest{URL: hook.URL, Secret: "0123456789abcdef0123456789abcdef", Events: []string{"alert"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.AddBan(ctx, api.BanRequest{Anchor: "anchor-x", Reason: "test"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Report(ctx, "room1", api.ReportRequest{AtMs: 1000, Category: "medical-claim"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Revoke(ctx, api.RevokeRequest{Subject: "someone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Cases(ctx, api.CaseQuery{}); err != nil {
		t.Fatal(err)
	}

	// A pulled room registered on the api node is claimed by the ingest worker.
	stop := make(chan struct{}) // the stream ends before the far end closes, the worker still pulling
	far := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		_, _ = w.Write(wavHeader())
		for r.Context().Err() == nil {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := w.Write(make([]byte, 3200)); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			time.Sleep(100 * time.Millisecond)
		}
	}))
	defer far.Close()
	defer close(stop)
	if _, err := c.AddRoom(ctx, api.RoomSpec{ID: "pulled1", Source: far.URL + "/live.wav"}); err != nil {
		t.Fatal(err)
	}
	js, err := jetstream.New(natstest.Service(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 30*time.Second, func() error {
		kv, err := js.KeyValue(ctx, "EARSHOT_ROOM_LEASES")
		if err != nil {
			return err
		}
		_, err = kv.Get(ctx, "room.pulled1")
		return err
	})
	// A WHIP publisher of that room reaching the api node is sent on to
	// the owner (307), or refused for now (503) when the owner has no
	// WHIP address (this one serves no HTTP): either way the api role read
	// the room claims, which a permissions violation would have shown.
	req, err := http.NewRequest(http.MethodPost, "http://"+apiNode.HTTPAddr()+"/whip/pulled1", strings.NewReader("v=0\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/sdp")
	req.Header.Set("Authorization", "Bearer "+mint(t, apiNode, api.RoleIngest, ""))
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect && resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("WHIP on the api node for a room the ingest worker owns: %s, want 307 to the owner or 503", resp.Status)
	}
}

// violationLog is a slog handler that keeps the permissions violations
// the nodes log.
type violationLog struct {
	mu   sync.Mutex
	seen []string
}

func (v *violationLog) Enabled(context.Context, slog.Level) bool { return true }
func (v *violationLog) WithAttrs([]slog.Attr) slog.Handler       { return v }
func (v *violationLog) WithGroup(string) slog.Handler            { return v }
func (v *violationLog) Handle(_ context.Context, r slog.Record) error {
	line := r.Message
	r.Attrs(func(a slog.Attr) bool { line += " " + a.String(); return true })
	if strings.Contains(strings.ToLower(line), "permissions violation") {
		v.mu.Lock()
		v.seen = append(v.seen, line)
		v.mu.Unlock()
	}
	return nil
}

func (v *violationLog) check(t *testing.T) {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, l := range v.seen {
		t.Errorf("a node was refused: %s", l)
	}
}

// wavHeader is a 16 kHz mono 16-bit WAV header with open lengths.
func wavHeader() []byte {
	h := []byte("RIFF\xff\xff\xff\xffWAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x80\x3e\x00\x00\x00\x7d\x00\x00\x02\x00\x10\x00data\xff\xff\xff\xff")
	return h
}

// TestClusterRoleCredsTooNarrow: a node whose creds lack what its roles
// need stops at start, at once, naming the role and the permission.
func TestClusterRoleCredsTooNarrow(t *testing.T) {
	srv := natstest.Start(t, "")
	keys := srv.Auth()
	for _, tc := range []struct {
		roles []string
		creds string
		want  string
	}{
		{[]string{"scan"}, "ingest", "role scan needs publish earshot.alert.>"},
		{[]string{"ingest", "scan"}, "ingest", "role scan needs publish"},
		{[]string{"index"}, "scan", "role index needs subscribe earshot.index.>"},
		{[]string{"api"}, "index", "role api needs publish $KV.EARSHOT_LEXICON.>"},
	} {
		t.Run(strings.Join(tc.roles, ",")+" with "+tc.creds, func(t *testing.T) {
			cfg := config.Default()
			cfg.HTTP.Addr = "127.0.0.1:0"
			roleNode(srv.ClientURL(), roleCreds(t, keys, tc.creds), t.TempDir(), tc.roles...)(&cfg)
			start := time.Now()
			svc, err := app.Start(ctx(t), cfg, testutil.Quiet())
			if err == nil {
				svc.Close(context.Background())
				t.Fatal("started")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "earshot creds --role") {
				t.Fatalf("error %q does not name %q", err, tc.want)
			}
			if d := time.Since(start); d > 20*time.Second {
				t.Errorf("refused after %s: want at once", d)
			}
		})
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}
