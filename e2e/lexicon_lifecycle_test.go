package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon/version"
)

// startLexiconService runs earshot with testdata/lexicon/v1.yaml as the
// seed and returns it with an admin client and one with a policy token
// (subject "lex-author").
func startLexiconService(t *testing.T) (svc *app.Service, admin, policy *api.Client) {
	t.Helper()
	svc = startService(t, func(c *config.Config) {
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
	})
	tok, err := svc.Mint(auth.Request{Role: api.RolePolicy, Subject: "lex-author"})
	if err != nil {
		t.Fatal(err)
	}
	return svc, apiClient(t, svc), anonClient(t, svc, api.WithToken(tok))
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// uttResult is one posted utterance and the alerts it raised.
type uttResult struct {
	seq    int
	alerts []api.Alert
}

// streamRoom posts numbered utterances naming both rules until stop, one
// request per utterance, and returns what each raised, in order.
func streamRoom(t *testing.T, c *api.Client, room string, stop <-chan struct{}, answered *atomic.Int64) []uttResult {
	var out []uttResult
	for i := 0; ; i++ {
		select {
		case <-stop:
			return out
		default:
		}
		res, err := c.PostUtterances(context.Background(), api.Room{ID: room},
			api.Utterance{Text: fmt.Sprintf("alpha phrase and beta phrase number %d", i)})
		if err != nil {
			t.Errorf("%s: utterance %d: %v", room, i, err)
			return out
		}
		out = append(out, uttResult{seq: i, alerts: res.Alerts})
		answered.Add(1)
	}
}

// TestLexiconHotPublish publishes version 2 while 20 rooms stream: every
// utterance is scanned by exactly one version (one alert, naming the rule
// of its version), versions only move forward in each room, and three
// watchers on their own NATS connections (standing in for three worker
// processes) all activate version 2.
func TestLexiconHotPublish(t *testing.T) {
	svc, c, policy := startLexiconService(t)
	if active, err := c.ActiveLexicon(context.Background()); err != nil || active.Number != 1 || active.Name != "lifecycle" {
		t.Fatalf("active before publish: %v %+v", err, active)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	swapped := map[int]time.Time{}
	for w := range 3 {
		nc := natstest.Connect(t, svc.NATSURL(), svc.NATSAuth(), natsauth.Service())
		js, _ := jetstream.New(nc)
		kv, err := js.KeyValue(ctx, version.Bucket)
		if err != nil {
			t.Fatal(err)
		}
		_, err = version.Watch(ctx, kv, version.WatchOptions{Keys: svc.LexiconKeys(), Logger: testutil.Quiet(), OnSwap: func(v version.Version, _ time.Duration) {
			if v.Number == 2 {
				mu.Lock()
				swapped[w] = time.Now()
				mu.Unlock()
			}
		}})
		if err != nil {
			t.Fatal(err)
		}
	}

	const rooms = 20
	var answered atomic.Int64 // utterances answered, all rooms together
	stop := make(chan struct{})
	results := make([][]uttResult, rooms)
	var wg sync.WaitGroup
	for r := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[r] = streamRoom(t, c, fmt.Sprintf("hot-%02d", r), stop, &answered)
		}()
	}
	// Publish mid-stream: once the rooms have been answered under version
	// 1, and stop once they have been answered under version 2 as well.
	testutil.WaitFor(t, 30*time.Second, "utterances under version 1", func() bool { return answered.Load() >= 2*rooms })
	published := time.Now()
	// v2 replaces the only rule of v1: that needs force.
	v2, err := policy.Publish(ctx, api.PublishRequest{YAML: readFile(t, "testdata/lexicon/v2.yaml"), Message: "alpha out, beta in", Force: true})
	if err != nil || v2.Number != 2 {
		t.Fatalf("publish: %v %+v", err, v2)
	}
	waitCtx, cancelWait := context.WithTimeout(ctx, 10*time.Second)
	defer cancelWait()
	if _, err := svc.LexiconWatcher().WaitFor(waitCtx, 2); err != nil {
		t.Fatalf("the service never activated version 2: %v", err)
	}
	serviceSeen := time.Since(published)
	// OnSwap runs once the version is in force: wait for all three.
	testutil.WaitFor(t, 10*time.Second, "the three watchers activating version 2", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(swapped) == 3
	})
	after := answered.Load()
	testutil.WaitFor(t, 30*time.Second, "utterances under version 2", func() bool { return answered.Load() >= after+2*rooms })
	close(stop)
	wg.Wait()

	mu.Lock()
	lat := []time.Duration{serviceSeen}
	for w := range 3 {
		at, ok := swapped[w]
		if !ok {
			t.Errorf("watcher %d never activated version 2", w)
			continue
		}
		lat = append(lat, at.Sub(published))
	}
	mu.Unlock()
	t.Logf("publish (HTTP request start) to active: service %v, watchers %v", lat[0], lat[1:])
	checkOneVersionPerUtterance(t, results)
}

func checkOneVersionPerUtterance(t *testing.T, results [][]uttResult) {
	t.Helper()
	total, v1, v2 := 0, 0, 0
	for r, rs := range results {
		last := "1"
		for _, u := range rs {
			total++
			if len(u.alerts) != 1 {
				t.Errorf("room %d utterance %d scanned by %d versions: %+v", r, u.seq, len(u.alerts), u.alerts)
				continue
			}
			a := u.alerts[0]
			want := map[string]string{"1": "alpha-rule", "2": "beta-rule"}[a.LexiconVersion]
			if a.RuleID != want {
				t.Errorf("room %d utterance %d: rule %s under lexicon_version %q", r, u.seq, a.RuleID, a.LexiconVersion)
			}
			if a.LexiconVersion < last {
				t.Errorf("room %d utterance %d went back from version %s to %s", r, u.seq, last, a.LexiconVersion)
			}
			last = a.LexiconVersion
			if last == "1" {
				v1++
			} else {
				v2++
			}
		}
	}
	t.Logf("%d utterances in 20 rooms: %d under version 1, %d under version 2", total, v1, v2)
	if v1 == 0 || v2 == 0 {
		t.Errorf("the publish did not land mid-stream (v1 %d, v2 %d)", v1, v2)
	}
}

// TestLexiconAPI covers validation errors, draft tests, auth, rollback,
// listing, diff, audit and CSV import through the HTTP API.
func TestLexiconAPI(t *testing.T) {
	svc, c, policy := startLexiconService(t)
	ctx := context.Background()
	bad := readFile(t, "testdata/lexicon/bad-category.yaml")
	v2 := readFile(t, "testdata/lexicon/v2.yaml")

	val, err := c.ValidateLexicon(ctx, bad)
	if err != nil || val.Valid || len(val.Errors) != 1 || val.Errors[0].Rule != "gamma-rule" || val.Errors[0].Field != "category" {
		t.Fatalf("validate: %v %+v", err, val)
	}
	if _, err := anonClient(t, svc).Publish(ctx, api.PublishRequest{YAML: bad}); api.StatusOf(err) != http.StatusUnauthorized {
		t.Errorf("publish without token: %v", err)
	}
	foreign := authtest.Token(t, authtest.Signer(t), api.RolePolicy, "")
	if _, err := anonClient(t, svc, api.WithToken(foreign)).Publish(ctx, api.PublishRequest{YAML: bad}); api.StatusOf(err) != http.StatusUnauthorized {
		t.Errorf("publish with a foreign token: %v", err)
	}
	_, err = policy.PublishYAML(ctx, bad, "")
	var inv *api.Error
	if !errors.As(err, &inv) || inv.Status != http.StatusUnprocessableEntity || inv.Code != api.CodeInvalidLexicon ||
		len(inv.Problems) != 1 || inv.Problems[0].Rule != "gamma-rule" {
		t.Errorf("publish invalid: %v %+v", err, inv)
	}
	test, err := c.TestLexicon(ctx, v2, "a beta phrase here")
	if err != nil || test.Lexicon != "draft" || len(test.Hits) != 1 || test.Hits[0].RuleID != "beta-rule" {
		t.Errorf("test draft: %v %+v", err, test)
	}
	// v2 drops v1's only rule: refused without force, in either form.
	if _, err := policy.PublishYAML(ctx, v2, ""); !api.IsCode(err, api.CodeNeedsForce) || api.StatusOf(err) != http.StatusConflict {
		t.Fatalf("publish dropping every live rule without force: %v, want 409 needs_force", err)
	}
	if _, err := policy.Publish(ctx, api.PublishRequest{YAML: v2, Force: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := policy.Rollback(ctx, api.RollbackRequest{Version: 1}); !api.IsCode(err, api.CodeNeedsForce) {
		t.Fatalf("rollback dropping every live rule without force: %v, want 409 needs_force", err)
	}
	v, err := policy.Rollback(ctx, api.RollbackRequest{Version: 1, Force: true})
	if err != nil || v.Number != 3 || v.RollbackOf != 1 {
		t.Fatalf("rollback: %v %+v", err, v)
	}
	// Read your write: the answer to a publish or rollback comes once this
	// server runs the new version.
	if now, err := c.ActiveLexicon(ctx); err != nil || now.Number != 3 {
		t.Errorf("active right after the rollback answered: %v version %d, want 3", err, now.Number)
	}
	list, err := c.Lexicons(ctx)
	if err != nil || len(list) != 3 || list[1].Added != 1 || list[1].Removed != 1 {
		t.Errorf("versions: %v %+v", err, list)
	}
	diff, err := c.DiffLexicon(ctx, 3, 2)
	if err != nil || len(diff.Diff.Added) != 1 || diff.Diff.Added[0].ID != "alpha-rule" {
		t.Errorf("diff 3 against 2: %v %+v", err, diff)
	}
	audit, err := c.LexiconAudit(ctx)
	var actions []string
	for _, e := range audit {
		actions = append(actions, e.Action)
	}
	if err != nil || !slices.Equal(actions, []string{"bootstrap", "rejected", "rejected", "publish", "rejected", "rollback"}) {
		t.Errorf("audit actions %v %v", actions, err)
	}
	for _, e := range audit[1:] {
		if e.Actor != "lex-author" {
			t.Errorf("audit %s by %q, want the token's subject lex-author", e.Action, e.Actor)
		}
	}
	// An author field naming someone else is refused, not recorded.
	if _, err := policy.Publish(ctx, api.PublishRequest{YAML: v2, Author: "someone-else"}); api.StatusOf(err) != http.StatusBadRequest ||
		!strings.Contains(err.Error(), "not the token's subject") {
		t.Errorf("publish as someone else: %v", err)
	}
	if _, err := c.Lexicon(ctx, 99); !api.IsCode(err, api.CodeNotFound) {
		t.Errorf("GET /v1/lexicons/99: %v", err)
	}
	// Malformed paths the typed client cannot send.
	for _, path := range []string{"/v1/lexicons/abc", "/v1/lexicons/1/diff?against=x"} {
		var e api.ErrorResponse
		if code := testutil.DoJSON(t, "GET", c.BaseURL()+path, mint(t, svc, api.RolePolicy, ""), "", &e); code != http.StatusBadRequest || e.Error.Code == "" {
			t.Errorf("GET %s: %d %+v", path, code, e)
		}
	}
	csv, err := os.Open("testdata/lexicon/words.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer csv.Close()
	if yml, err := c.ImportCSV(ctx, "words", csv); err != nil || !bytes.Contains(yml, []byte("delta phrase")) {
		t.Errorf("import: %v %s", err, yml)
	}
}
