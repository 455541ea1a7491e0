package natsauth

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
)

func open(t *testing.T, dir string, create bool) *Authority {
	t.Helper()
	a, err := Open(dir, Options{Create: create})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestKeysCreatedOnceWithStrictModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys", "nats")
	a := open(t, dir, true)
	if !a.Created() {
		t.Fatal("a new dir must report Created")
	}
	b := open(t, dir, true)
	if b.Created() || b.AccountKey() != a.AccountKey() {
		t.Fatalf("reopen: created=%v account %s vs %s", b.Created(), b.AccountKey(), a.AccountKey())
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("keys dir mode %v (%v)", fi.Mode().Perm(), err)
	}
	want := []string{fileOperator, fileAccount, fileSystem, fileRoles}
	for _, r := range Roles() {
		want = append(want, roleFile(r))
	}
	for _, f := range want {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v (%v)", f, fi.Mode().Perm(), err)
		}
	}
}

func TestMissingKeysAreErrorsNeverRegenerated(t *testing.T) {
	cases := []struct {
		name   string
		break_ func(dir string) error
		want   string
	}{
		{"no dir, not new", func(dir string) error { return os.RemoveAll(dir) }, "no NATS keys"},
		{"operator key gone", func(dir string) error { return os.Remove(filepath.Join(dir, fileOperator)) }, fileOperator},
		{"role key gone", func(dir string) error { return os.Remove(filepath.Join(dir, roleFile(RoleAnchor))) }, roleFile(RoleAnchor)},
		{"roles list gone", func(dir string) error { return os.Remove(filepath.Join(dir, fileRoles)) }, fileRoles},
		{"key readable by others", func(dir string) error { return os.Chmod(filepath.Join(dir, fileAccount), 0o644) }, "chmod 600"},
		{"dir readable by others", func(dir string) error { return os.Chmod(dir, 0o755) }, "chmod 700"},
		{"not a seed", func(dir string) error { return os.WriteFile(filepath.Join(dir, fileSystem), []byte("hello"), 0o600) }, "does not hold an nkey seed"},
		{"wrong kind of key", func(dir string) error {
			data, err := os.ReadFile(filepath.Join(dir, fileAccount))
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(dir, fileOperator), data, 0o600)
		}, "wrong kind"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "nats")
			open(t, dir, true)
			if err := tc.break_(dir); err != nil {
				t.Fatal(err)
			}
			before, _ := os.ReadDir(dir)
			_, err := Open(dir, Options{Create: tc.name != "no dir, not new"})
			if tc.name == "no dir, not new" {
				_, err = Open(dir, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open: %v, want an error naming %q", err, tc.want)
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Fatalf("Open changed the dir: %d files before, %d after", len(before), len(after))
			}
		})
	}
}

func TestRoleAddedLaterGetsItsKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nats")
	open(t, dir, true)
	// As if compliance were new in this release: not in the roles list.
	if err := os.Remove(filepath.Join(dir, roleFile(RoleCompliance))); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, fileRoles), []byte("anchor\nservice\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := open(t, dir, false)
	if _, err := a.Mint(Compliance()); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, fileRoles))
	if !strings.Contains(string(data), "compliance") {
		t.Fatalf("roles list not updated: %q", data)
	}
}

func TestConcurrentOpenMakesOneKeySet(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nats")
	var wg sync.WaitGroup
	keys := make([]string, 8)
	errs := make([]error, 8)
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, err := Open(dir, Options{Create: true})
			errs[i] = err
			if err == nil {
				keys[i] = a.AccountKey()
			}
		}()
	}
	wg.Wait()
	for i := range keys {
		if errs[i] != nil || keys[i] != keys[0] {
			t.Fatalf("open %d: %v, account %s vs %s", i, errs[i], keys[i], keys[0])
		}
	}
}

func TestMint(t *testing.T) {
	a := open(t, filepath.Join(t.TempDir(), "nats"), true)
	cases := []struct {
		name    string
		user    User
		expires time.Duration // 0: never
		wantErr string
	}{
		{"anchor", Anchor("Room_1"), 24 * time.Hour, ""},
		{"compliance", Compliance(), 12 * time.Hour, ""},
		{"service", Service(), 0, ""},
		{"anchor ttl", User{Role: RoleAnchor, Room: "r", TTL: time.Hour}, time.Hour, ""},
		{"long-lived service", User{Role: RoleService, NoExpiry: true}, 0, ""},
		{"anchor wildcard", Anchor("*"), 0, "room id"},
		{"anchor two tokens", Anchor("a.b"), 0, "room id"},
		{"anchor no room", Anchor(""), 0, "room id"},
		{"room on compliance", User{Role: RoleCompliance, Room: "r"}, 0, "only with role anchor"},
		{"anchor forever", User{Role: RoleAnchor, Room: "r", NoExpiry: true}, 0, "must expire"},
		{"unknown role", User{Role: "admin"}, 0, "want one of"},
		{"negative ttl", User{Role: RoleCompliance, TTL: -time.Second}, 0, "negative"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := a.Mint(tc.user)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("Mint: %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			file, err := c.File()
			if err != nil {
				t.Fatal(err)
			}
			back, err := ParseCreds(file)
			if err != nil {
				t.Fatal(err)
			}
			if back.Key != c.Key || back.Role != tc.user.Role || back.Room != tc.user.Room || back.Issuer != a.rolePub(tc.user.Role) {
				t.Fatalf("creds file round trip: %+v vs %+v", back, c)
			}
			uc, err := jwt.DecodeUserClaims(c.JWT)
			if err != nil {
				t.Fatal(err)
			}
			// Encode stamps iat with the wall clock; the expiry is whole seconds.
			got := time.Duration(uc.Expires-uc.IssuedAt) * time.Second
			if (uc.Expires == 0) != (tc.expires == 0) || (uc.Expires != 0 && (got < tc.expires-time.Second || got > tc.expires)) {
				t.Fatalf("lifetime %s (exp %d), want %s", got, uc.Expires, tc.expires)
			}
			if !uc.HasEmptyPermissions() {
				t.Fatal("a scoped user must carry no permissions of its own")
			}
		})
	}
	issued, err := a.Issued()
	if err != nil || len(issued) != 5 {
		t.Fatalf("issued.jsonl: %d entries (%v), want 5", len(issued), err)
	}
	if rs, _ := a.IssuedTo("Room_1"); len(rs) != 1 {
		t.Fatalf("IssuedTo(Room_1) = %v", rs)
	}
}

func TestServiceCreds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nats")
	a := open(t, dir, true)
	c1, err := a.ServiceCreds()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := open(t, dir, false).ServiceCreds()
	if err != nil || c2.Key != c1.Key || !c1.Expires.IsZero() {
		t.Fatalf("service creds not stable or not long-lived: %v %s %s %v", err, c1.Key, c2.Key, c1.Expires)
	}
	// Creds of another installation planted in the file are refused.
	other, err := open(t, filepath.Join(t.TempDir(), "other"), true).ServiceCreds()
	if err != nil {
		t.Fatal(err)
	}
	file, _ := other.File()
	if err := os.WriteFile(filepath.Join(dir, fileServiceCreds), file, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ServiceCreds(); err == nil || !strings.Contains(err.Error(), "not signed by this data dir") {
		t.Fatalf("foreign service.creds: %v", err)
	}
}

func TestRevokeRecordsAndDropsServiceCreds(t *testing.T) {
	a := open(t, filepath.Join(t.TempDir(), "nats"), true)
	svc, _ := a.ServiceCreds()
	anchor, _ := a.Mint(Anchor("r1"))
	token, err := a.Revoke(anchor.Key, svc.Key)
	if err != nil {
		t.Fatal(err)
	}
	ac, err := jwt.DecodeAccountClaims(token)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{anchor.Key, svc.Key} {
		uc, _ := jwt.DecodeUserClaims(map[string]string{anchor.Key: anchor.JWT, svc.Key: svc.JWT}[k])
		if !ac.IsClaimRevoked(uc) {
			t.Errorf("%s not revoked in the account JWT", k)
		}
	}
	if again, _ := a.ServiceCreds(); again.Key == svc.Key {
		t.Fatal("revoked service creds still in use")
	}
	if _, err := a.Revoke("not-a-key"); err == nil {
		t.Fatal("revoked a malformed key")
	}
	if _, err := Open(a.Dir(), Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Revoke(); err == nil {
		t.Fatal("revoke with no key accepted")
	}
}
