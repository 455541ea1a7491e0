package e2e

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/links"
)

// permErrors collects a connection's asynchronous permission violations.
func permErrors() (nats.Option, <-chan error) {
	ch := make(chan error, 16)
	return nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		if errors.Is(err, nats.ErrPermissionViolation) {
			select {
			case ch <- err:
			default:
			}
		}
	}), ch
}

func wantViolation(t *testing.T, nc *nats.Conn, errs <-chan error, subject string) {
	t.Helper()
	_ = nc.Flush()
	select {
	case err := <-errs:
		if !strings.Contains(err.Error(), `"`+subject+`"`) {
			t.Fatalf("violation %v is not about %s", err, subject)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no permissions violation for %s", subject)
	}
}

// postAlpha posts an utterance with the v1 rule's phrase and returns the
// rule ids it raised.
func postAlpha(t *testing.T, c *api.Client, room string) []string {
	t.Helper()
	final := true
	res, err := c.PostUtterances(context.Background(), api.Room{ID: room}, api.Utterance{Text: "an alpha phrase again", Final: &final})
	if err != nil {
		t.Fatalf("utterance: %v", err)
	}
	var ids []string
	for _, a := range res.Alerts {
		ids = append(ids, a.RuleID)
	}
	return ids
}

// unsignedEmptyLexicon is a version record as an attacker with write access
// to the bucket would write it: well formed, hash right, zero rules.
func unsignedEmptyLexicon(t *testing.T) []byte {
	t.Helper()
	yaml := "format: 1\nname: nothing\nrules: []\n"
	v := version.Version{Number: 1000, Name: "nothing", YAML: yaml, Hash: version.Hash([]byte(yaml)), PublishedAt: time.Now()}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func metric(t *testing.T, c *api.Client, name string) string {
	t.Helper()
	body, err := c.Metrics(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

// TestNATSLockedDownByDefault runs `earshot serve` with the default
// configuration and tries what the probe of issue 10 did.
func TestNATSLockedDownByDefault(t *testing.T) {
	svc, c, _ := startLexiconService(t)
	url, keys := svc.NATSURL(), svc.NATSAuth()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	t.Run("no credentials, no connection", func(t *testing.T) {
		nc, err := nats.Connect(url, nats.MaxReconnects(0), nats.Timeout(5*time.Second))
		if err == nil {
			nc.Close()
			t.Fatal("an anonymous client connected")
		}
	})
	t.Run("anchor reads only its own reminders", func(t *testing.T) {
		opt, errs := permErrors()
		nc := natstest.Connect(t, url, keys, natsauth.Anchor("r1"), opt)
		for _, subj := range []string{alerter.ReminderSubject("r2"), alerter.AlertSubjects} {
			if _, err := nc.SubscribeSync(subj); err != nil {
				t.Fatal(err)
			}
			wantViolation(t, nc, errs, subj)
		}
		if err := nc.Publish(alerter.ReminderSubject("r1"), []byte(`{"text":"forged"}`)); err != nil {
			t.Fatal(err)
		}
		wantViolation(t, nc, errs, alerter.ReminderSubject("r1"))
	})
	t.Run("compliance reads alerts and cannot delete the stream", func(t *testing.T) {
		opt, errs := permErrors()
		nc := natstest.Connect(t, url, keys, natsauth.Compliance(), opt)
		alerts, err := nc.SubscribeSync(alerter.AlertSubjects)
		if err != nil {
			t.Fatal(err)
		}
		del := "$JS.API.STREAM.DELETE." + alerter.AlertStream
		if err := nc.Publish(del, nil); err != nil {
			t.Fatal(err)
		}
		wantViolation(t, nc, errs, del)
		if got := postAlpha(t, c, "r1"); len(got) != 1 {
			t.Fatalf("alerts after the delete attempt: %v", got)
		}
		m, err := alerts.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("compliance did not read the alert: %v", err)
		}
		if a, err := alerter.DecodeAlert(m.Data); err != nil || a.RuleID != "alpha-rule" {
			t.Fatalf("alert %+v %v", a, err)
		}
	})
	t.Run("a forged lexicon is refused", func(t *testing.T) {
		// Even the service user's credentials cannot switch detection off:
		// the record has no signature.
		js, _ := jetstream.New(natstest.Connect(t, url, keys, natsauth.Service()))
		kv, err := js.KeyValue(ctx, version.Bucket)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kv.Put(ctx, "active", unsignedEmptyLexicon(t)); err != nil {
			t.Fatal(err)
		}
		testutil.Eventually(t, 10*time.Second, func() error {
			if got := metric(t, c, "earshot_lexicon_versions_refused_total"); got != "1" {
				return fmt.Errorf("refusal not counted: earshot_lexicon_versions_refused_total %q", got)
			}
			return nil
		})
		if n := svc.LexiconWatcher().Load().Meta.Number; n != 1 {
			t.Fatalf("active version %d after the forgery, want 1", n)
		}
		if got := postAlpha(t, c, "r2"); len(got) != 1 || got[0] != "alpha-rule" {
			t.Fatalf("alerts after the forgery: %v, want [alpha-rule]", got)
		}
	})
}

// TestKeysAreNeverRegenerated: a restart keeps every key (the anchor's
// creds still work); a key gone from an existing data dir stops the start
// with an error naming it instead of locking everyone out silently.
func TestKeysAreNeverRegenerated(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir, cfg.HTTP.Addr, cfg.NATS.Listen = t.TempDir(), "127.0.0.1:0", "127.0.0.1:0"
	cfg.Recognizer.Engine, cfg.Lexicon.Phonetic = "none", false
	log := testutil.Quiet()
	start := func() (*app.Service, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		defer cancel()
		return app.Start(ctx, cfg, log)
	}
	stop := func(svc *app.Service) {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
	}
	svc, err := start()
	if err != nil {
		t.Fatal(err)
	}
	anchor := natstest.Mint(t, svc.NATSAuth(), natsauth.Anchor("r1"))
	signer := svc.LexiconKeys().SigningKey()
	stop(svc)

	svc, err = start()
	if err != nil {
		t.Fatalf("restart: %v", err)
	}
	if svc.LexiconKeys().SigningKey() != signer {
		t.Fatal("the lexicon key changed across a restart")
	}
	nc, err := natstest.Dial(svc.NATSURL(), anchor)
	if err != nil {
		t.Fatalf("anchor creds minted before the restart: %v", err)
	}
	nc.Close()
	stop(svc)

	for _, f := range []string{filepath.Join("keys", "lexicon.nk"), filepath.Join("keys", "nats", "account.nk")} {
		t.Run(f, func(t *testing.T) {
			path := filepath.Join(cfg.DataDir, f)
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(path); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = os.WriteFile(path, data, 0o600) }()
			svc, err := start()
			if err == nil {
				stop(svc)
				t.Fatalf("started without %s", f)
			}
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name %s: %v", path, err)
			}
			if _, err := os.Stat(path); err == nil {
				t.Fatalf("%s was regenerated", f)
			}
		})
	}
}

// TestTLSEmbeddedAndExternal: the embedded server's listener speaks TLS
// when configured; a second earshot uses that server as its external NATS
// with service creds and a client certificate (mutual TLS), and its alerts
// reach compliance there. Without the creds it does not start.
func TestTLSEmbeddedAndExternal(t *testing.T) {
	certs := natstest.TLS(t)
	tlsDir := t.TempDir()
	tlsSvc := startService(t, func(c *config.Config) {
		c.DataDir = tlsDir
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
		c.NATS.TLS = config.TLSFiles{CertFile: certs.ServerCert, KeyFile: certs.ServerKey, CAFile: certs.CA}
	})
	url, keys := tlsSvc.NATSURL(), tlsSvc.NATSAuth()
	if nc, err := natstest.Dial(url, natstest.Mint(t, keys, natsauth.Compliance())); err == nil {
		nc.Close()
		t.Fatal("connected without TLS client certificate to a mutual-TLS listener")
	}
	mtls := []nats.Option{nats.RootCAs(certs.CA), nats.ClientCert(certs.ClientCert, certs.ClientKey)}
	compliance := natstest.Connect(t, url, keys, natsauth.Compliance(), mtls...)
	alerts, err := compliance.SubscribeSync(alerter.AlertSubjects)
	if err != nil {
		t.Fatal(err)
	}
	if err := compliance.Flush(); err != nil {
		t.Fatal(err)
	}

	// A second earshot, with tlsSvc's NATS as its external cluster. It
	// shares the lexicon key, as API nodes of a cluster do (a copy).
	workerDir := t.TempDir()
	key, err := os.ReadFile(filepath.Join(tlsDir, "keys", app.LexiconKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(workerDir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(workerDir, "keys", app.LexiconKeyFile), key, 0o600); err != nil {
		t.Fatal(err)
	}
	// And the contact identifiers' hash key, which every scan and api
	// node of a cluster shares.
	linksKey, err := os.ReadFile(filepath.Join(tlsDir, "keys", links.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(workerDir, "keys", links.KeyFile), linksKey, 0o600); err != nil {
		t.Fatal(err)
	}
	external := func(creds string) func(*config.Config) {
		return func(c *config.Config) {
			c.DataDir = workerDir
			c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
			c.NATS.URL, c.NATS.CredsFile = url, creds
			c.NATS.ClientTLS = config.TLSFiles{CAFile: certs.CA, CertFile: certs.ClientCert, KeyFile: certs.ClientKey}
		}
	}
	cfg := config.Default()
	cfg.HTTP.Addr = "127.0.0.1:0"
	external("")(&cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if s, err := app.Start(ctx, cfg, testutil.Quiet()); err == nil {
		s.Close(ctx)
		t.Fatal("started against the external NATS without credentials")
	}
	worker := startService(t, external(natstest.CredsFile(t, keys, natsauth.User{Role: natsauth.RoleService, Name: "worker-2"})))
	if got := postAlpha(t, apiClient(t, worker), "ext-room"); len(got) != 1 {
		t.Fatalf("alerts through the external NATS: %v", got)
	}
	for {
		m, err := alerts.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("compliance did not read the worker's alert: %v", err)
		}
		if a, _ := alerter.DecodeAlert(m.Data); a.Room == "ext-room" {
			break
		}
	}
}
