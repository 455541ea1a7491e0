package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// serve runs `earshot serve` in this process on free ports, as a user would
// start it, and returns its HTTP base URL and data dir. It stops with the
// test.
func serve(t *testing.T, args ...string) (string, string) {
	t.Helper()
	dir := t.TempDir()
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--data", dir, "--http", "127.0.0.1:0", "--nats", "127.0.0.1:0",
			"--console-token-ttl", "0", "--log-level", "error"}, args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("earshot serve exited %d", code)
		}
	})
	addr := regexp.MustCompile(`HTTP on (http://\S+),`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := addr.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	select {
	case u, ok := <-found:
		if !ok {
			t.Fatal("earshot serve ended before it listened")
		}
		return u, dir
	case <-time.After(60 * time.Second):
		t.Fatal("earshot serve did not say where it listens within 60 s")
	}
	return "", ""
}

// earshot runs one command line and returns its exit status and output.
func earshot(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestServerCommandsTakeToken: against `earshot serve` (tokens required by
// default), the commands that talk to the server work with
// --token (or EARSHOT_TOKEN), and without one print one line naming the
// missing token and exit 1.
func TestServerCommandsTakeToken(t *testing.T) {
	t.Setenv("EARSHOT_TOKEN", "")
	t.Setenv("EARSHOT_SERVER", "")
	base, dir := serve(t, "--recognizer", "none")
	code, tok, stderr := earshot("token", "--data", dir, "--role", "compliance")
	if code != 0 {
		t.Fatalf("earshot token: %d %s", code, stderr)
	}
	tok = strings.TrimSpace(tok)

	// Something to find: one violation posted as a platform's ASR text.
	_, ingest, _ := earshot("token", "--data", dir, "--role", "ingest")
	in, err := api.New(base, api.WithToken(strings.TrimSpace(ingest)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := api.New(base, api.WithToken(tok))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := in.PostUtterances(ctx, api.Room{ID: "shop-1"}, api.Utterance{Text: "This cream cures diabetes."}); err != nil {
		t.Fatal(err)
	}
	testutil.Eventually(t, 10*time.Second, func() error {
		res, err := c.SearchTranscripts(ctx, api.SearchQuery{Q: "diabetes"})
		if err == nil && res.Total == 0 {
			err = errors.New("the utterance is not indexed yet")
		}
		return err
	})

	cases := []struct {
		args  []string
		path  string // of the refused request
		wants string // in the output with a token
	}{
		{[]string{"rooms", "list"}, "GET /v1/rooms", "shop-1"},
		{[]string{"search", "diabetes"}, "GET /v1/transcripts", "[diabetes]"},
		{[]string{"lexicon", "export"}, "GET /v1/lexicons/active", "rules:"},
	}
	for _, tc := range cases {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			args := append(tc.args, "--server", base)
			code, out, stderr := earshot(append(args, "--token", tok)...)
			if code != 0 || !strings.Contains(out, tc.wants) {
				t.Errorf("with --token: exit %d, stdout %q lacks %q; stderr %q", code, out, tc.wants, stderr)
			}
			code, out, stderr = earshot(args...)
			want := fmt.Sprintf("earshot: 401 unauthorized: %s needs a token (--token or EARSHOT_TOKEN)\n", tc.path)
			if code != 1 || stderr != want || out != "" {
				t.Errorf("without a token: exit %d, stderr %q, stdout %q; want exit 1 and stderr %q", code, stderr, out, want)
			}
			t.Setenv("EARSHOT_TOKEN", tok)
			if code, out, stderr := earshot(args...); code != 0 || !strings.Contains(out, tc.wants) {
				t.Errorf("with EARSHOT_TOKEN: exit %d, stdout %q, stderr %q", code, out, stderr)
			}
			t.Setenv("EARSHOT_TOKEN", "")
			code, _, stderr = earshot(append(args, "--token", "not-a-token")...)
			if code != 1 || !strings.HasPrefix(stderr, "earshot: 401 unauthorized: token rejected") || strings.Count(stderr, "\n") != 1 {
				t.Errorf("with a bad token: exit %d, stderr %q", code, stderr)
			}
		})
	}
}
