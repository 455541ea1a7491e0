package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/testutil"
)

// TestHTTPKeysAreNeverRegenerated: a new data dir gets keys; a data dir in
// use whose keys are gone refuses to start; a data dir of the legacy HMAC
// format is migrated once.
func TestHTTPKeysAreNeverRegenerated(t *testing.T) {
	log := testutil.Quiet()
	fresh := filepath.Join(t.TempDir(), "data")
	k, err := OpenHTTPKeys(fresh, nil, log)
	if err != nil || !k.Created() || k.Signer == nil {
		t.Fatalf("new data dir: %v", err)
	}
	tok, _, err := k.Signer.Mint(auth.Request{Role: api.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	again, err := OpenHTTPKeys(fresh, nil, log)
	if err != nil || again.Created() {
		t.Fatalf("restart: %v", err)
	}
	if _, err := again.Verifier.Verify(tok, time.Now()); err != nil {
		t.Fatalf("a token must survive a restart: %v", err)
	}
	// The data dir in use (a store beside the keys) loses its keys.
	if err := os.WriteFile(filepath.Join(fresh, "rooms.json"), []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(auth.KeysDir(fresh)); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenHTTPKeys(fresh, nil, log); err == nil || !strings.Contains(err.Error(), "restore") {
		t.Fatalf("keys gone from a data dir in use: %v", err)
	}
	if fi, err := os.Stat(auth.KeysDir(fresh)); err == nil {
		t.Fatalf("the refused start created %v", fi.Name())
	}
	// A verify-only node: no keys of its own, its cluster's public key.
	pub, _ := auth.PublicKeyPEM(k.Signer.Public())
	pubFile := filepath.Join(t.TempDir(), "signing.pub")
	if err := os.WriteFile(pubFile, pub, 0o644); err != nil {
		t.Fatal(err)
	}
	vo, err := OpenHTTPKeys(fresh, []string{pubFile}, log)
	if err != nil || vo.Signer != nil {
		t.Fatalf("verify-only: %v", err)
	}
	if _, err := vo.Verifier.Verify(tok, time.Now()); err != nil {
		t.Fatalf("verify-only node: %v", err)
	}

	// A worker's data dir seeded with other keys only is new.
	seeded := t.TempDir()
	if err := os.MkdirAll(filepath.Join(seeded, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	if k, err := OpenHTTPKeys(seeded, nil, log); err != nil || !k.Created() {
		t.Fatalf("seeded data dir: %v", err)
	}

	legacy := t.TempDir()
	if err := os.WriteFile(filepath.Join(legacy, legacyTokenKey), []byte("0123456789abcdef0123456789abcdef"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenHTTPKeys(legacy, nil, log); err != nil {
		t.Fatalf("legacy data dir: %v", err)
	}
	if _, err := os.Stat(filepath.Join(legacy, legacyTokenKey+".retired")); err != nil {
		t.Fatalf("legacy key not retired: %v", err)
	}
	if err := os.RemoveAll(auth.KeysDir(legacy)); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenHTTPKeys(legacy, nil, log); err == nil {
		t.Fatal("the migration ran twice: keys regenerated")
	}
}

func TestAllowedHostsDefault(t *testing.T) {
	name, _ := os.Hostname()
	for _, c := range []struct {
		addr string
		list []string
		want []string
	}{
		{"127.0.0.1:8080", nil, []string{"localhost"}},
		{"[::1]:8080", nil, []string{"localhost"}},
		{"localhost:8080", nil, []string{"localhost"}},
		{"earshot.internal:8080", nil, []string{"earshot.internal"}},
		{"0.0.0.0:8080", nil, []string{"localhost", name}},
		{":8080", nil, []string{"localhost", name}},
		{"0.0.0.0:8080", []string{"earshot.example.com"}, []string{"earshot.example.com"}},
	} {
		got := allowedHosts(config.HTTP{Addr: c.addr, AllowedHosts: c.list})
		if !slices.Equal(got, c.want) {
			t.Errorf("%s %v: %v, want %v", c.addr, c.list, got, c.want)
		}
	}
}
