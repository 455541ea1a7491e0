package revocation

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestEveryNodeApplies: two API nodes on one NATS server; a revocation
// written through one reaches the other's list, and a node that starts
// later reads every revocation before it serves.
func TestEveryNodeApplies(t *testing.T) {
	dir := t.TempDir()
	ns := natstest.Start(t, dir)
	open := func() *Store {
		t.Helper()
		js, err := jetstream.New(natstest.Service(t, ns))
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s, err := Open(ctx, js, Options{Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		return s
	}
	a, b := open(), open()
	_, priv, _ := ed25519.GenerateKey(rand.Reader)
	signer := auth.NewSigner(priv)
	mint := func(sub string) string {
		tok, _, err := signer.Mint(auth.Request{Role: api.RoleCompliance, Subject: sub})
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	checkerOf := func(s *Store) *auth.Checker {
		return &auth.Checker{Verifier: auth.NewVerifier(signer.Public()), Revocations: s.List()}
	}
	alice, bob := mint("alice@platform"), mint("bob@platform")
	c, err := checkerOf(a).Check(alice, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := a.Revoke(ctx, auth.Revocation{Kind: auth.RevokeID, Value: c.ID, By: "admin"}); err != nil {
		t.Fatal(err)
	}
	if _, err := checkerOf(a).Check(alice, time.Now()); !errors.Is(err, auth.ErrRevoked) {
		t.Fatalf("the writing node: %v, want revoked at once", err)
	}
	testutil.Eventually(t, 5*time.Second, func() error {
		if _, err := checkerOf(b).Check(alice, time.Now()); !errors.Is(err, auth.ErrRevoked) {
			return fmt.Errorf("the other node: %v", err)
		}
		return nil
	})
	if _, err := b.Revoke(ctx, auth.Revocation{Kind: auth.RevokeSubject, Value: "bob@platform", By: "admin", Reason: "left"}); err != nil {
		t.Fatal(err)
	}
	late := open()
	for _, tok := range []string{alice, bob} {
		if _, err := checkerOf(late).Check(tok, time.Now()); !errors.Is(err, auth.ErrRevoked) {
			t.Errorf("a node started later: %v", err)
		}
	}
	if got := late.List().List(); len(got) != 2 || got[1].Reason != "left" || got[1].By != "admin" {
		t.Errorf("list %+v", got)
	}
	if _, err := a.Revoke(ctx, auth.Revocation{Kind: "everyone", Value: "x"}); err == nil {
		t.Error("an invalid revocation was stored")
	}
}
