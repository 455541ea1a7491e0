package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/lexicon/version"
)

// startLexiconService runs earshot with testdata/lexicon/v1.yaml as the
// seed and returns it with a policy token.
func startLexiconService(t *testing.T) (*app.Service, string, string) {
	t.Helper()
	svc := startService(t, func(c *config.Config) {
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
	})
	tok, err := svc.Signer.Sign(auth.Claims{Role: "policy"})
	if err != nil {
		t.Fatal(err)
	}
	return svc, "http://" + svc.HTTPAddr(), tok
}

// lexReq sends one request and decodes the JSON answer; it returns the status.
func lexReq(t *testing.T, method, url, token string, body any, out any) int {
	t.Helper()
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case []byte:
		rd, ctype = bytes.NewReader(b), "application/yaml"
	default:
		data, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(data), "application/json"
	}
	req, _ := http.NewRequest(method, url, rd)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			t.Fatalf("%s %s: %d %s: %v", method, url, resp.StatusCode, data, err)
		}
	}
	return resp.StatusCode
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
	alerts []alerter.Alert
}

// streamRoom posts numbered utterances naming both rules until stop, one
// request per utterance, and returns what each raised, in order.
func streamRoom(t *testing.T, base, room string, stop <-chan struct{}) []uttResult {
	var out []uttResult
	for i := 0; ; i++ {
		select {
		case <-stop:
			return out
		default:
		}
		var resp struct {
			Alerts []alerter.Alert `json:"alerts"`
		}
		body := map[string]any{"text": fmt.Sprintf("alpha phrase and beta phrase number %d", i)}
		if code := lexReq(t, "POST", base+"/v1/rooms/"+room+"/utterances", "", body, &resp); code != http.StatusOK {
			t.Errorf("%s: utterance %d: status %d", room, i, code)
			return out
		}
		out = append(out, uttResult{seq: i, alerts: resp.Alerts})
	}
}

// TestLexiconHotPublish publishes version 2 while 20 rooms stream: every
// utterance is scanned by exactly one version (one alert, naming the rule
// of its version), versions only move forward in each room, and three
// watchers on their own NATS connections (standing in for three worker
// processes) all activate version 2.
func TestLexiconHotPublish(t *testing.T) {
	svc, base, tok := startLexiconService(t)
	var active version.Summary
	if code := lexReq(t, "GET", base+"/v1/lexicons/active", "", nil, &active); code != 200 || active.Number != 1 || active.Name != "lifecycle" {
		t.Fatalf("active before publish: %d %+v", code, active)
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
		_, err = version.Watch(ctx, kv, version.WatchOptions{Keys: svc.LexiconKeys(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), OnSwap: func(v version.Version, _ time.Duration) {
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
	stop := make(chan struct{})
	results := make([][]uttResult, rooms)
	var wg sync.WaitGroup
	for r := range rooms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[r] = streamRoom(t, base, fmt.Sprintf("hot-%02d", r), stop)
		}()
	}
	time.Sleep(500 * time.Millisecond)
	published := time.Now()
	var v2 version.Summary
	body := map[string]any{"yaml": string(readFile(t, "testdata/lexicon/v2.yaml")), "message": "alpha out, beta in", "author": "ann"}
	if code := lexReq(t, "POST", base+"/v1/lexicons", tok, body, &v2); code != http.StatusCreated || v2.Number != 2 {
		t.Fatalf("publish: %d %+v", code, v2)
	}
	var serviceSeen time.Duration
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if svc.LexiconWatcher().Load().Meta.Number == 2 {
			serviceSeen = time.Since(published)
			break
		}
	}
	time.Sleep(500 * time.Millisecond)
	close(stop)
	wg.Wait()

	if serviceSeen == 0 {
		t.Fatal("the service never activated version 2")
	}
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
	_, base, tok := startLexiconService(t)
	bad := readFile(t, "testdata/lexicon/bad-category.yaml")

	var val struct {
		Valid  bool `json:"valid"`
		Errors []struct{ File, Rule, Field, Message string }
	}
	lexReq(t, "POST", base+"/v1/lexicons/validate", "", bad, &val)
	if val.Valid || len(val.Errors) != 1 || val.Errors[0].Rule != "gamma-rule" || val.Errors[0].Field != "category" {
		t.Fatalf("validate: %+v", val)
	}
	if code := lexReq(t, "POST", base+"/v1/lexicons", "", bad, nil); code != http.StatusUnauthorized {
		t.Errorf("publish without token: %d", code)
	}
	anchor, _ := auth.NewSigner([]byte("x")).Sign(auth.Claims{Role: "policy"})
	if code := lexReq(t, "POST", base+"/v1/lexicons", anchor, bad, nil); code != http.StatusForbidden {
		t.Errorf("publish with a foreign token: %d", code)
	}
	var inv struct {
		Error struct {
			Code   string
			Errors []struct{ Rule, Field string }
		}
	}
	if code := lexReq(t, "POST", base+"/v1/lexicons", tok, bad, &inv); code != http.StatusUnprocessableEntity || inv.Error.Code != "invalid_lexicon" {
		t.Errorf("publish invalid: %d %+v", code, inv)
	}
	var test struct {
		Lexicon string
		Hits    []struct {
			RuleID string `json:"rule_id"`
		}
	}
	lexReq(t, "POST", base+"/v1/lexicons/test", "", map[string]any{"yaml": string(readFile(t, "testdata/lexicon/v2.yaml")), "text": "a beta phrase here"}, &test)
	if test.Lexicon != "draft" || len(test.Hits) != 1 || test.Hits[0].RuleID != "beta-rule" {
		t.Errorf("test draft: %+v", test)
	}
	var v version.Summary
	lexReq(t, "POST", base+"/v1/lexicons", tok, readFile(t, "testdata/lexicon/v2.yaml"), &v)
	lexReq(t, "POST", base+"/v1/lexicons/rollback", tok, map[string]any{"version": 1}, &v)
	if v.Number != 3 || v.RollbackOf != 1 {
		t.Fatalf("rollback: %+v", v)
	}
	// Read your write: the answer to a publish or rollback comes once this
	// server runs the new version.
	var now version.Summary
	if lexReq(t, "GET", base+"/v1/lexicons/active", "", nil, &now); now.Number != 3 {
		t.Errorf("active right after the rollback answered: version %d, want 3", now.Number)
	}
	var list struct{ Versions []version.Summary }
	lexReq(t, "GET", base+"/v1/lexicons", "", nil, &list)
	if len(list.Versions) != 3 || list.Versions[1].Added != 1 || list.Versions[1].Removed != 1 {
		t.Errorf("versions: %+v", list.Versions)
	}
	var diff struct{ Diff version.Diff }
	lexReq(t, "GET", base+"/v1/lexicons/3/diff?against=2", "", nil, &diff)
	if len(diff.Diff.Added) != 1 || diff.Diff.Added[0].ID != "alpha-rule" {
		t.Errorf("diff 3 against 2: %+v", diff)
	}
	var audit struct{ Entries []version.AuditEntry }
	lexReq(t, "GET", base+"/v1/lexicons/audit", "", nil, &audit)
	var actions []string
	for _, e := range audit.Entries {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"bootstrap", "rejected", "publish", "rollback"}) {
		t.Errorf("audit actions %v", actions)
	}
	for _, path := range []string{"/v1/lexicons/abc", "/v1/lexicons/99", "/v1/lexicons/1/diff?against=x"} {
		var e map[string]any
		if code := lexReq(t, "GET", base+path, "", nil, &e); code < 400 || code >= 500 {
			t.Errorf("GET %s: %d", path, code)
		}
	}
	resp, err := http.Post(base+"/v1/lexicons/import?name=words", "text/csv", bytes.NewReader(readFile(t, "testdata/lexicon/words.csv")))
	if err != nil {
		t.Fatal(err)
	}
	yml, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(yml, []byte("delta phrase")) {
		t.Errorf("import: %d %s", resp.StatusCode, yml)
	}
}
