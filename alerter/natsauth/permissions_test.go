package natsauth_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// violations records the asynchronous permission errors of a connection.
type violations struct {
	mu   sync.Mutex
	errs []error
}

func (v *violations) handler() nats.Option {
	return nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
		v.mu.Lock()
		defer v.mu.Unlock()
		v.errs = append(v.errs, err)
	})
}

// waitFor polls until a permission violation naming subject arrives.
func (v *violations) waitFor(t *testing.T, nc *nats.Conn, kind, subject string) {
	t.Helper()
	_ = nc.Flush()
	want := `Permissions Violation for ` + kind + ` to "` + subject + `"`
	testutil.Eventually(t, 5*time.Second, func() error {
		v.mu.Lock()
		defer v.mu.Unlock()
		for _, err := range v.errs {
			if errors.Is(err, nats.ErrPermissionViolation) && strings.Contains(err.Error(), want) {
				return nil
			}
		}
		return fmt.Errorf("no %q; errors seen: %v", want, v.errs)
	})
}

// receives reports whether sub gets a message published by pub on subject.
func receives(t *testing.T, pub, subConn *nats.Conn, sub *nats.Subscription, subject string) bool {
	t.Helper()
	if err := subConn.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := pub.Publish(subject, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := pub.Flush(); err != nil {
		t.Fatal(err)
	}
	_, err := sub.NextMsg(2 * time.Second)
	return err == nil
}

func TestNoCredentialsNoConnection(t *testing.T) {
	srv := natstest.Start(t, "")
	other := natstest.Authority(t) // another installation's keys
	expired := natstest.Mint(t, srv.Auth(), natsauth.User{Role: natsauth.RoleCompliance, TTL: time.Second})
	cases := []struct {
		name string
		opts []nats.Option
	}{
		{"anonymous", nil},
		{"user and password", []nats.Option{nats.UserInfo("earshot", "earshot")}},
		{"creds of another installation", []nats.Option{natstest.Mint(t, other, natsauth.Service()).Option()}},
		{"expired creds", []nats.Option{expired.Option()}},
	}
	// The expired user must be past its expiry (whole seconds) before it
	// dials: the server reads the wall clock.
	testutil.WaitFor(t, 5*time.Second, "the creds to expire", func() bool { return time.Now().After(expired.Expires.Add(time.Second)) })
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := append([]nats.Option{nats.Timeout(5 * time.Second), nats.MaxReconnects(0)}, tc.opts...)
			nc, err := nats.Connect(srv.ClientURL(), opts...)
			if err == nil {
				nc.Close()
				t.Fatal("connected")
			}
			if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(strings.ToLower(err.Error()), "authorization") {
				t.Fatalf("error %v is not an authorization error", err)
			}
		})
	}
}

func TestAnchorOnlyHearsItsRoom(t *testing.T) {
	srv := natstest.Start(t, "")
	svc := natstest.Service(t, srv)
	var v violations
	r1 := natstest.Connect(t, srv.ClientURL(), srv.Auth(), natsauth.Anchor("r1"), v.handler())

	own, err := r1.SubscribeSync(alerter.ReminderSubject("r1"))
	if err != nil {
		t.Fatal(err)
	}
	if !receives(t, svc, r1, own, alerter.ReminderSubject("r1")) {
		t.Fatal("anchor of r1 did not get its own reminder")
	}
	esc, err := r1.SubscribeSync(alerter.EscalationSubject("r1"))
	if err != nil {
		t.Fatal(err)
	}
	if !receives(t, svc, r1, esc, alerter.EscalationSubject("r1")) {
		t.Fatal("anchor of r1 did not get its own escalation")
	}
	appeals, err := r1.SubscribeSync(alerter.AppealSubject("r1"))
	if err != nil {
		t.Fatal(err)
	}
	if !receives(t, svc, r1, appeals, alerter.AppealSubject("r1")) {
		t.Fatal("anchor of r1 did not get the outcome of its own appeal")
	}
	for _, subj := range []string{alerter.ReminderSubject("r2"), alerter.EscalationSubject("r2"), alerter.AppealSubject("r2"), alerter.HeededSubject("r1"), alerter.AlertSubjects, "earshot.>", "$JS.API.>", "$KV.>"} {
		if _, err := r1.SubscribeSync(subj); err != nil {
			t.Fatal(err)
		}
		v.waitFor(t, r1, "Subscription", subj)
	}
	for _, subj := range []string{alerter.ReminderSubject("r1"), alerter.AlertSubject("medical", "r1"), "$JS.API.INFO"} {
		if err := r1.Publish(subj, []byte("forged")); err != nil {
			t.Fatal(err)
		}
		v.waitFor(t, r1, "Publish", subj)
	}
}

func TestComplianceReadsAlertsOnly(t *testing.T) {
	srv := natstest.Start(t, "")
	svc := natstest.Service(t, srv)
	var v violations
	c := natstest.Connect(t, srv.ClientURL(), srv.Auth(), natsauth.Compliance(), v.handler())
	alerts, err := c.SubscribeSync(alerter.AlertSubjects)
	if err != nil {
		t.Fatal(err)
	}
	if !receives(t, svc, c, alerts, alerter.AlertSubject("medical", "r1")) {
		t.Fatal("compliance did not get the alert")
	}
	for _, subj := range []string{alerter.ReminderSubject("r1"), "earshot.disposition.>", "$KV.EARSHOT_LEXICON.>"} {
		if _, err := c.SubscribeSync(subj); err != nil {
			t.Fatal(err)
		}
		v.waitFor(t, c, "Subscription", subj)
	}
	for _, subj := range []string{alerter.AlertSubject("medical", "r1"), alerter.ReminderSubject("r1"), "$KV.EARSHOT_LEXICON.active"} {
		if err := c.Publish(subj, []byte("forged")); err != nil {
			t.Fatal(err)
		}
		v.waitFor(t, c, "Publish", subj)
	}
}

// TestOnlyServiceTouchesJetStream: the JetStream API (stream delete, KV
// writes) answers the service user and nobody else.
func TestOnlyServiceTouchesJetStream(t *testing.T) {
	srv := natstest.Start(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	js, err := jetstream.New(natstest.Service(t, srv))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: alerter.AlertStream, Subjects: []string{alerter.AlertSubjects}}); err != nil {
		t.Fatalf("service cannot create the alert stream: %v", err)
	}
	for _, u := range []natsauth.User{natsauth.Anchor("r1"), natsauth.Compliance()} {
		t.Run(string(u.Role), func(t *testing.T) {
			var v violations
			nc := natstest.Connect(t, srv.ClientURL(), srv.Auth(), u, v.handler())
			subj := "$JS.API.STREAM.DELETE." + alerter.AlertStream
			if err := nc.Publish(subj, nil); err != nil {
				t.Fatal(err)
			}
			v.waitFor(t, nc, "Publish", subj)
			ujs, _ := jetstream.New(nc)
			short, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			defer cancel()
			if _, err := ujs.AccountInfo(short); err == nil {
				t.Fatal("JetStream account info answered")
			}
		})
	}
	if _, err := js.Stream(ctx, alerter.AlertStream); err != nil {
		t.Fatalf("alert stream gone: %v", err)
	}
}

// TestRevokedCredsAreCutOff: a revocation pushed to the running server
// closes the user's connection at once, refuses it afterwards, and still
// holds after a restart (rebuilt from revocations.json).
func TestRevokedCredsAreCutOff(t *testing.T) {
	dir := t.TempDir()
	srv := natstest.Start(t, dir)
	a := srv.Auth()
	victim := natstest.Mint(t, a, natsauth.Compliance())
	bystander := natstest.Mint(t, a, natsauth.Compliance())
	closed := make(chan struct{})
	nc, err := natstest.Dial(srv.ClientURL(), victim, nats.ClosedHandler(func(*nats.Conn) { close(closed) }))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	other, err := natstest.Dial(srv.ClientURL(), bystander)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	token, err := a.Revoke(victim.Key)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := a.SystemCreds()
	if err != nil {
		t.Fatal(err)
	}
	snc, err := natstest.Dial(srv.ClientURL(), sys)
	if err != nil {
		t.Fatalf("system user: %v", err)
	}
	defer snc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Push(ctx, snc, token); err != nil {
		t.Fatal(err)
	}
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("revoked user still connected")
	}
	if !other.IsConnected() {
		t.Fatal("a user who was not revoked lost its connection")
	}
	if c, err := natstest.Dial(srv.ClientURL(), victim); err == nil {
		c.Close()
		t.Fatal("revoked creds connected again")
	}

	_ = srv.Shutdown(ctx)
	srv = natstest.Start(t, dir, func(c *natsembed.Config) { c.Auth = a })
	if c, err := natstest.Dial(srv.ClientURL(), victim); err == nil {
		c.Close()
		t.Fatal("revoked creds connected after a restart")
	}
	if c, err := natstest.Dial(srv.ClientURL(), bystander); err != nil {
		t.Fatalf("bystander after restart: %v", err)
	} else {
		c.Close()
	}
}

// BenchmarkConnectAnchor: a TCP connect of an anchor, JWT and nonce
// signature verified by the server, then close: the cost of each overlay
// (re)connecting.
func BenchmarkConnectAnchor(b *testing.B) {
	srv := natstest.Start(b, "")
	c := natstest.Mint(b, srv.Auth(), natsauth.Anchor("r1"))
	b.ReportAllocs()
	for b.Loop() {
		nc, err := natstest.Dial(srv.ClientURL(), c)
		if err != nil {
			b.Fatal(err)
		}
		nc.Close()
	}
}

func BenchmarkMintAnchor(b *testing.B) {
	a := natstest.Authority(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := a.Mint(natsauth.Anchor("r1")); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTrustReadsScoresOnly: a recommendation system's user hears
// earshot.trust.<merchant> and nothing else, and publishes nothing.
func TestTrustReadsScoresOnly(t *testing.T) {
	srv := natstest.Start(t, "")
	svc := natstest.Service(t, srv)
	var v violations
	c := natstest.Connect(t, srv.ClientURL(), srv.Auth(), natsauth.Trust(), v.handler())
	scores, err := c.SubscribeSync(alerter.TrustSubjectPrefix + ".>")
	if err != nil {
		t.Fatal(err)
	}
	if !receives(t, svc, c, scores, alerter.TrustSubject("shop1")) {
		t.Fatal("the trust user did not get the score")
	}
	for _, subj := range []string{alerter.AlertSubjects, alerter.ReminderSubject("r1"), "$KV.EARSHOT_TRUST.>"} {
		if _, err := c.SubscribeSync(subj); err != nil {
			t.Fatal(err)
		}
		v.waitFor(t, c, "Subscription", subj)
	}
	if err := c.Publish(alerter.TrustSubject("shop1"), []byte("forged")); err != nil {
		t.Fatal(err)
	}
	v.waitFor(t, c, "Publish", alerter.TrustSubject("shop1"))
}

// TestPlatformPublishesHypothesesOnly: a platform publisher may publish
// hypotheses on earshot.utt.<room> (every room, or with platform-room its
// one room) and get the stream's acks on its own inbox prefix, and
// nothing else: no alert, no reminder, no other room's subject, no
// subscription to another user's inbox replies. Before it, a platform had
// to be handed the service user (docs/scaling.md said so).
func TestPlatformPublishesHypothesesOnly(t *testing.T) {
	srv := natstest.Start(t, "")
	svc := natstest.Service(t, srv)
	ctx := testutil.Context(t, 30*time.Second)
	sjs, err := jetstream.New(svc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sjs.CreateStream(ctx, jetstream.StreamConfig{Name: "UTT", Subjects: []string{"earshot.utt.>"}}); err != nil {
		t.Fatal(err)
	}
	heard, err := svc.SubscribeSync("earshot.utt.>")
	if err != nil {
		t.Fatal(err)
	}
	// The subscription must be at the server before the platform (another
	// connection) publishes, or under load the message passes it by.
	if err := svc.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		user        natsauth.User
		room, other string // a room it may feed; one it may not ("" none)
	}{
		{natsauth.User{Role: natsauth.RolePlatform}, "shop1", ""},
		{natsauth.User{Role: natsauth.RolePlatformRoom, Room: "Shop-7"}, "Shop-7", "shop1"},
	} {
		var v violations
		nc := natstest.Connect(t, srv.ClientURL(), srv.Auth(), c.user, v.handler(), nats.CustomInboxPrefix(natsauth.PlatformInboxPrefix))
		js, err := jetstream.New(nc)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := js.Publish(ctx, "earshot.utt."+c.room, []byte(`{"schema":1}`)); err != nil {
			t.Fatalf("%s: publishing with an ack on earshot.utt.%s: %v", c.user.Role, c.room, err)
		}
		if m, err := heard.NextMsg(5 * time.Second); err != nil || m.Subject != "earshot.utt."+c.room {
			t.Fatalf("%s: the hypothesis did not arrive: %v %v", c.user.Role, m, err)
		}
		denied := []string{alerter.AlertSubject("medical-claim", c.room), alerter.ReminderSubject(c.room), "$JS.API.STREAM.NAMES", "$KV.EARSHOT_ROOMS.x"}
		if c.other != "" {
			denied = append(denied, "earshot.utt."+c.other)
		}
		for _, subj := range denied {
			if err := nc.Publish(subj, []byte("forged")); err != nil {
				t.Fatal(err)
			}
			v.waitFor(t, nc, "Publish", subj)
		}
		for _, subj := range []string{"earshot.utt.>", "_INBOX.>", alerter.AlertSubjects, "$KV.>"} {
			if _, err := nc.SubscribeSync(subj); err != nil {
				t.Fatal(err)
			}
			v.waitFor(t, nc, "Subscription", subj)
		}
	}
}
