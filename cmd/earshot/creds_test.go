package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// runCLI runs the earshot command line in-process.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errb bytes.Buffer
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(&out)
	root.SetErr(&errb)
	err = root.ExecuteContext(context.Background())
	return out.String(), errb.String(), err
}

// dataDirServer starts an embedded server on a data dir laid out like
// `earshot serve` lays it out (keys in DATA/keys/nats).
func dataDirServer(t *testing.T) (string, *natsembed.Server) {
	t.Helper()
	data := t.TempDir()
	keys, err := natsauth.Open(natsauth.KeysDir(data), natsauth.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	return data, natstest.Start(t, filepath.Join(data, "nats"), func(c *natsembed.Config) { c.Auth = keys })
}

// natsCLI finds the standard NATS CLI (`make nats-cli` builds it into
// bin/). In CI its absence fails the test.
func natsCLI(t *testing.T) string {
	t.Helper()
	if p, err := filepath.Abs("../../bin/nats"); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("nats"); err == nil {
		return p
	}
	testutil.Need(t, errors.New("the NATS CLI is missing: `make nats-cli` builds it into bin/nats"))
	return ""
}

func TestCredsCommandArgs(t *testing.T) {
	data, _ := dataDirServer(t)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"creds", "--data", data}, "give --room R or --role"},
		{[]string{"creds", "--data", data, "--role", "admin"}, "want one of"},
		{[]string{"creds", "--data", data, "--role", "anchor"}, "needs --room"},
		{[]string{"creds", "--data", data, "--room", "a.b"}, "room id"},
		{[]string{"creds", "--data", data, "--room", "r", "--role", "compliance"}, "does not go with"},
		{[]string{"creds", "--data", data, "--room", "r", "--no-expiry"}, "must expire"},
		{[]string{"creds", "--data", t.TempDir(), "--room", "r"}, "earshot serve --data"},
		{[]string{"creds", "revoke", "--data", data, "--room", "never-issued"}, "no creds were issued"},
		{[]string{"creds", "revoke", "--data", data, "--user", "bogus"}, "not a user public key"},
	}
	for _, tc := range cases {
		_, _, err := runCLI(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v, want an error with %q", tc.args, err, tc.want)
		}
	}
}

// TestCredsWithNATSCLI: the .creds files `earshot creds` prints are what
// the standard NATS CLI reads, and the server holds each to its role.
func TestCredsWithNATSCLI(t *testing.T) {
	cli := natsCLI(t)
	data, srv := dataDirServer(t)
	dir := t.TempDir()
	anchor := filepath.Join(dir, "anchor.creds")
	if _, _, err := runCLI(t, "creds", "--data", data, "--room", "r1", "--out", anchor); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(anchor); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("--out file mode %v (%v)", fi.Mode().Perm(), err)
	}
	compliance, stderr, err := runCLI(t, "creds", "--data", data, "--role", "compliance")
	if err != nil || !strings.Contains(compliance, "BEGIN NATS USER JWT") || !strings.Contains(stderr, "expires") {
		t.Fatalf("compliance creds on stdout: %v\n%s\n%s", err, compliance, stderr)
	}
	complianceFile := filepath.Join(dir, "compliance.creds")
	if err := os.WriteFile(complianceFile, []byte(compliance), 0o600); err != nil {
		t.Fatal(err)
	}
	svc := natstest.Service(t, srv)

	sub := func(creds, subject string) *exec.Cmd {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		t.Cleanup(cancel)
		return exec.CommandContext(ctx, cli, "sub", subject, "--count", "1", "--creds", creds, "--server", srv.ClientURL())
	}
	cases := []struct {
		name, creds, subject, publish string
	}{
		{"anchor hears its room", anchor, alerter.ReminderSubject("r1"), alerter.ReminderSubject("r1")},
		{"compliance reads alerts", complianceFile, alerter.AlertSubjects, alerter.AlertSubject("medical", "r1")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cmd := sub(tc.creds, tc.subject)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			// Publish until the CLI has subscribed and received one.
			for {
				if err := svc.Publish(tc.publish, []byte(`{"text":"hello from earshot"}`)); err != nil {
					t.Fatal(err)
				}
				select {
				case err := <-done:
					if err != nil || !strings.Contains(out.String(), "hello from earshot") {
						t.Fatalf("nats sub: %v\n%s", err, out.String())
					}
					return
				case <-time.After(100 * time.Millisecond):
				}
			}
		})
	}
	for _, tc := range []struct{ name, creds, subject string }{
		{"anchor of r1 on r2", anchor, alerter.ReminderSubject("r2")},
		{"anchor on alerts", anchor, alerter.AlertSubjects},
		{"compliance on the JetStream API", complianceFile, "$JS.API.>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, err := sub(tc.creds, tc.subject).CombinedOutput()
			if err == nil || !strings.Contains(strings.ToLower(string(out)), "permissions violation") {
				t.Fatalf("nats sub %s: %v\n%s", tc.subject, err, out)
			}
		})
	}
	t.Run("revoked by room", func(t *testing.T) {
		out, _, err := runCLI(t, "creds", "revoke", "--data", data, "--room", "r1", "--nats-url", srv.ClientURL())
		if err != nil || !strings.Contains(out, "revoked U") {
			t.Fatalf("revoke: %v %s", err, out)
		}
		msg, err := sub(anchor, alerter.ReminderSubject("r1")).CombinedOutput()
		if err == nil || !strings.Contains(strings.ToLower(string(msg)), "authorization") {
			t.Fatalf("revoked anchor creds: %v\n%s", err, msg)
		}
	})
}
