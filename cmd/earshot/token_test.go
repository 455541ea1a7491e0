package main

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
)

// TestTokenCommands: earshot token prints one line (a JWT) and names its
// id on stderr; earshot token revoke --id makes the server refuse it;
// earshot token revoked lists it; flags that do not go together are
// refused with a message naming them.
func TestTokenCommands(t *testing.T) {
	t.Setenv("EARSHOT_TOKEN", "")
	base, dir := serve(t, "--recognizer", "none")
	mint := func(args ...string) (tok, id string) {
		t.Helper()
		code, out, stderr := earshot(append([]string{"token", "--data", dir}, args...)...)
		m := regexp.MustCompile(`, id (\S+), expires`).FindStringSubmatch(stderr)
		if code != 0 || strings.Count(out, "\n") != 1 || strings.Count(out, ".") != 2 || m == nil {
			t.Fatalf("earshot token %v: exit %d, stdout %q, stderr %q", args, code, out, stderr)
		}
		return strings.TrimSpace(out), m[1]
	}
	admin, _ := mint("--role", "admin", "--subject", "ops@platform")
	staff, staffID := mint("--role", "compliance", "--subject", "li.na@platform", "--ttl", "1h")
	mint("--room", "shop-1")
	// A viewer token reports a moment of a room, as the contract says.
	viewer, _ := mint("--role", "viewer", "--viewer", "viewer-42")
	if code, body := testutil.Do(t, http.MethodPost, base+"/v1/rooms/shop-1/reports", viewer, `{"at_ms": 0, "category": "other"}`); code != http.StatusAccepted {
		t.Fatalf("a report with earshot token --role viewer: %d %s", code, body)
	}
	if code, _, stderr := earshot("rooms", "list", "--server", base, "--token", staff); code != 0 {
		t.Fatalf("rooms list before the revocation: %d %s", code, stderr)
	}
	if code, out, stderr := earshot("token", "revoke", "--id", staffID, "--reason", "test", "--server", base, "--token", admin); code != 0 ||
		!strings.Contains(out, "revoked id "+staffID) || !strings.Contains(out, "by ops@platform") {
		t.Fatalf("token revoke: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := earshot("rooms", "list", "--server", base, "--token", staff); code != 1 || !strings.Contains(stderr, "revoked") {
		t.Errorf("rooms list with the revoked token: %d %q", code, stderr)
	}
	if code, out, _ := earshot("token", "revoked", "--server", base, "--token", admin); code != 0 || !strings.Contains(out, staffID) {
		t.Errorf("token revoked: %d %q", code, out)
	}
	for _, bad := range [][]string{
		{"--role", "root"}, {"--role", "policy", "--room", "r1"}, {"--role", "anchor"}, {}, {"--role", "admin", "--ttl", "-1h"},
		{"--role", "viewer"}, {"--role", "viewer", "--viewer", "a b"}, {"--role", "compliance", "--viewer", "v1"},
		{"--role", "viewer", "--viewer", "v1", "--room", "r1"},
	} {
		if code, out, stderr := earshot(append([]string{"token", "--data", dir}, bad...)...); code == 0 || out != "" || stderr == "" {
			t.Errorf("earshot token %v: exit %d, stdout %q, stderr %q", bad, code, out, stderr)
		}
	}
	if code, _, stderr := earshot("token", "--data", t.TempDir(), "--role", "admin"); code == 0 || !strings.Contains(stderr, "earshot serve --data") {
		t.Errorf("a data dir without keys: %d %q", code, stderr)
	}
}
