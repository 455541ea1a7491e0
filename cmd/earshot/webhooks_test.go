package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/webhook/webhooktest"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestWebhooksCommand: against `earshot serve --config` (loopback allowed
// for webhooks by ingest.allow_hosts), `earshot webhooks add` registers a
// real receiver, a posted violation reaches it signed through a 500, and
// `webhooks deliveries`, `redeliver`, `list` and `rm` show and drive it.
func TestWebhooksCommand(t *testing.T) {
	t.Setenv("EARSHOT_TOKEN", "")
	t.Setenv("EARSHOT_SERVER", "")
	const secret = "cli-webhook-secret-0123456789"
	rcv := webhooktest.New(t, secret, func(_ string, n int) (int, http.Header) {
		if n == 1 {
			return http.StatusInternalServerError, nil
		}
		return http.StatusOK, nil
	})
	conf := filepath.Join(t.TempDir(), "earshot.yaml")
	yaml := "ingest:\n  allow_hosts: [127.0.0.1]\nwebhook_delivery:\n  backoff_min: 50ms\n  backoff_max: 100ms\n"
	if err := os.WriteFile(conf, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	base, dir := serve(t, "--recognizer", "none", "--config", conf)
	_, tok, _ := earshot("token", "--data", dir, "--role", "admin")
	tok = strings.TrimSpace(tok)
	cli := func(args ...string) string {
		t.Helper()
		code, out, stderr := earshot(append(args, "--server", base, "--token", tok)...)
		if code != 0 {
			t.Fatalf("earshot %s: exit %d: %s", strings.Join(args, " "), code, stderr)
		}
		return out
	}
	if code, _, stderr := earshot("webhooks", "add", rcv.URL, "--events", "alert,pages", "--secret", secret, "--server", base, "--token", tok); code != 1 || !strings.Contains(stderr, `"pages"`) {
		t.Errorf("an unknown event type: exit %d, %q", code, stderr)
	}
	out := cli("webhooks", "add", rcv.URL, "--events", "alert, reminder", "--secret", secret)
	id := regexp.MustCompile(`webhook (wh_[0-9a-f]+):`).FindStringSubmatch(out)
	if id == nil || strings.Contains(out, secret) {
		t.Fatalf("webhooks add: %q", out)
	}
	if list := cli("webhooks", "list"); !strings.Contains(list, id[1]) || !strings.Contains(list, "alert,reminder") || strings.Contains(list, secret) {
		t.Errorf("webhooks list: %q", list)
	}
	c, err := api.New(base, api.WithToken(tok))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.PostUtterances(context.Background(), api.Room{ID: "shop-1"}, api.Utterance{Text: "This cream cures diabetes."}); err != nil {
		t.Fatal(err)
	}
	var first string
	testutil.Eventually(t, 30*time.Second, func() error {
		out := cli("webhooks", "deliveries", id[1])
		if strings.Count(out, " delivered ") != 2 {
			return fmt.Errorf("deliveries: %q", out)
		}
		first = strings.Fields(strings.Split(out, "\n")[1])[0]
		return nil
	})
	if acc := rcv.Accepted(); len(acc) != 2 {
		t.Errorf("accepted %v, want the alert and the reminder once each", acc)
	}
	if _, bad := rcv.Hits(); len(bad) > 0 {
		t.Errorf("signatures that did not verify: %q", bad)
	}
	if out := cli("webhooks", "redeliver", id[1], first); !strings.Contains(out, "redelivery 1") {
		t.Errorf("redeliver: %q", out)
	}
	testutil.WaitFor(t, 30*time.Second, "the redelivery", func() bool { return rcv.Accepted()[first] == 2 })
	if out := cli("webhooks", "rm", id[1]); !strings.Contains(out, "removed") {
		t.Errorf("rm: %q", out)
	}
	if code, _, stderr := earshot("webhooks", "deliveries", id[1], "--server", base, "--token", tok); code != 1 || !strings.Contains(stderr, "unknown_webhook") {
		t.Errorf("deliveries of a removed endpoint: exit %d, %q", code, stderr)
	}
}
