package auth

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/earshot/earshot/api"
)

func testSigner(t testing.TB) *Signer {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return NewSigner(priv)
}

// testChecker is a signer whose clock stands at now, and a Checker with an
// empty revocation list that trusts it.
func testChecker(t testing.TB) (*Signer, time.Time, *Revocations, *Checker) {
	t.Helper()
	s := testSigner(t)
	now := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return now }
	revs := NewRevocations()
	return s, now, revs, &Checker{Verifier: NewVerifier(s.Public()), Revocations: revs}
}

func TestMintDefaults(t *testing.T) {
	s := testSigner(t)
	now := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return now }
	v := NewVerifier(s.Public())
	cases := []struct {
		req     Request
		sub     string
		ttl     time.Duration
		wantErr string
	}{
		{Request{Role: api.RoleAnchor, Room: "r1"}, "anchor:r1", 24 * time.Hour, ""},
		{Request{Role: api.RoleCompliance, Subject: "li.na@platform"}, "li.na@platform", 12 * time.Hour, ""},
		{Request{Role: api.RoleAdmin, TTL: time.Hour}, "admin", time.Hour, ""},
		{Request{Role: api.RoleIngest}, "ingest", 12 * time.Hour, ""},
		{Request{Role: api.RoleAnchor}, "", 0, "names no room"},
		{Request{Role: api.RolePolicy, Room: "r1"}, "", 0, "must not name a room"},
		{Request{Role: "root"}, "", 0, `role "root"`},
		{Request{Role: api.RoleAdmin, TTL: -time.Second}, "", 0, "tokens always expire"},
		{Request{Role: api.RoleAnchor, Room: "a b"}, "", 0, "room"},
	}
	for _, tc := range cases {
		tok, c, err := s.Mint(tc.req)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%+v: %v, want %q", tc.req, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%+v: %v", tc.req, err)
		}
		got, err := v.Verify(tok, now.Add(time.Minute))
		if err != nil {
			t.Fatalf("%+v: %v", tc.req, err)
		}
		if got.Subject != tc.sub || got.Role != tc.req.Role || got.Room != tc.req.Room || got.ID == "" || got.ID != c.ID {
			t.Errorf("%+v: claims %+v", tc.req, got)
		}
		if d := got.Expires().Sub(got.Issued()); d != tc.ttl {
			t.Errorf("%+v: lifetime %v, want %v", tc.req, d, tc.ttl)
		}
	}
	a, _, _ := s.Mint(Request{Role: api.RoleAdmin})
	b, _, _ := s.Mint(Request{Role: api.RoleAdmin})
	ca, _ := v.Verify(a, now)
	cb, _ := v.Verify(b, now)
	if ca.ID == cb.ID {
		t.Error("two tokens share an id")
	}
}

// forge builds a token with any header and claims, signed by sign.
func forge(t *testing.T, header, claims string, sign func(string) string) string {
	t.Helper()
	enc := base64.RawURLEncoding
	in := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(claims))
	return in + "." + sign(in)
}

func TestVerifyRejects(t *testing.T) {
	s := testSigner(t)
	other := testSigner(t)
	v := NewVerifier(s.Public())
	now := time.Unix(1_800_000_000, 0)
	s.now = func() time.Time { return now }
	other.now = s.now
	good, _, _ := s.Mint(Request{Role: api.RoleCompliance})
	foreign, _, _ := other.Mint(Request{Role: api.RoleCompliance})
	base := Claims{Role: api.RoleAdmin, RegisteredClaims: jwt.RegisteredClaims{Issuer: Issuer, Audience: jwt.ClaimStrings{Audience},
		Subject: "x", ID: "i", IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(time.Hour))}}
	expired := base
	expired.ExpiresAt = jwt.NewNumericDate(now.Add(-time.Minute))
	expiredTok, _, _ := s.Sign(expired)
	future := base
	future.IssuedAt = jwt.NewNumericDate(now.Add(time.Hour))
	futureTok, _, _ := s.Sign(future)
	wrongAud := base
	wrongAud.Audience = jwt.ClaimStrings{"nats"}
	wrongAudTok, _, _ := s.Sign(wrongAud)
	// a tampered payload: the role changed from compliance to admin
	parts := strings.Split(good, ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"compliance"`, `"admin"`, 1))) + "." + parts[2]
	kid := KeyID(s.Public())
	claims := `{"role":"admin","iss":"earshot","aud":["earshot-http"],"sub":"x","jti":"i","iat":1800000000,"exp":1800003600}`
	none := forge(t, `{"alg":"none","kid":"`+kid+`"}`, claims, func(string) string { return "" })
	hs := forge(t, `{"alg":"HS256","kid":"`+kid+`"}`, claims, func(in string) string {
		m := hmac.New(sha256.New, s.Public())
		m.Write([]byte(in))
		return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
	})
	noExp := forge(t, `{"alg":"EdDSA","kid":"`+kid+`"}`, `{"role":"admin","iss":"earshot","aud":["earshot-http"],"sub":"x","jti":"i","iat":1800000000}`,
		func(in string) string { return base64.RawURLEncoding.EncodeToString(ed25519.Sign(s.key, []byte(in))) })
	noSub := forge(t, `{"alg":"EdDSA","kid":"`+kid+`"}`, `{"role":"admin","iss":"earshot","aud":["earshot-http"],"jti":"i","iat":1800000000,"exp":1800003600}`,
		func(in string) string { return base64.RawURLEncoding.EncodeToString(ed25519.Sign(s.key, []byte(in))) })
	cases := map[string]struct {
		tok  string
		want error
	}{
		"empty":          {"", ErrMalformed},
		"garbage":        {"abc", ErrMalformed},
		"bad base64":     {"a.!!!.c", ErrMalformed},
		"other key":      {foreign, ErrSignature},
		"tampered":       {tampered, ErrSignature},
		"truncated":      {good[:len(good)-4], ErrSignature},
		"expired":        {expiredTok, ErrExpired},
		"issued later":   {futureTok, ErrInvalid},
		"wrong audience": {wrongAudTok, ErrInvalid},
		"alg none":       {none, ErrSignature},
		"HS256 with pub": {hs, ErrSignature},
		"no expiry":      {noExp, ErrInvalid},
		"no subject":     {noSub, ErrInvalid},
	}
	for name, tc := range cases {
		if _, err := v.Verify(tc.tok, now); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		} else if err != nil && strings.Contains(err.Error(), tc.tok) && tc.tok != "" {
			t.Errorf("%s: the error repeats the token", name)
		}
	}
	if _, err := v.Verify(good, now); err != nil {
		t.Fatalf("good token: %v", err)
	}
	// A verifier trusting both keys accepts both.
	if _, err := NewVerifier(s.Public(), other.Public()).Verify(foreign, now); err != nil {
		t.Fatalf("a trusted second key: %v", err)
	}
}

func TestKeysOnDisk(t *testing.T) {
	data := t.TempDir()
	dir := KeysDir(data)
	if _, err := Open(dir, OpenOptions{}); !errors.Is(err, ErrNoKeys) {
		t.Fatalf("no keys and no Create: %v", err)
	}
	k, err := Open(dir, OpenOptions{Create: true})
	if err != nil || !k.Created() || k.Signer == nil {
		t.Fatalf("create: %v %+v", err, k)
	}
	for _, f := range []string{SigningKeyFile, PublicKeyFile} {
		fi, err := os.Stat(filepath.Join(dir, f))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v %v", f, fi.Mode(), err)
		}
	}
	tok, _, err := k.Signer.Mint(Request{Role: api.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	again, err := Open(dir, OpenOptions{Create: true})
	if err != nil || again.Created() {
		t.Fatalf("reopen: %v created=%v", err, again.Created())
	}
	if _, err := again.Verifier.Verify(tok, time.Now()); err != nil {
		t.Fatalf("reopened keys must verify the old token: %v", err)
	}

	// A verify-only node: the public key alone, in its own dir or by config.
	verifyDir := filepath.Join(t.TempDir(), "http")
	if err := os.MkdirAll(verifyDir, 0o700); err != nil {
		t.Fatal(err)
	}
	pub, _ := os.ReadFile(filepath.Join(dir, PublicKeyFile))
	if err := os.WriteFile(filepath.Join(verifyDir, PublicKeyFile), pub, 0o600); err != nil {
		t.Fatal(err)
	}
	vo, err := Open(verifyDir, OpenOptions{})
	if err != nil || vo.Signer != nil {
		t.Fatalf("verify-only: %v %+v", err, vo)
	}
	if _, err := vo.Verifier.Verify(tok, time.Now()); err != nil {
		t.Fatalf("verify-only node: %v", err)
	}
	if _, _, err := vo.Signer.Mint(Request{Role: api.RoleAdmin}); !errors.Is(err, ErrNoSigner) {
		t.Fatalf("minting without a key: %v", err)
	}
	byConfig, err := Open(filepath.Join(t.TempDir(), "none"), OpenOptions{Trusted: []string{filepath.Join(dir, PublicKeyFile)}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := byConfig.Verifier.Verify(tok, time.Now()); err != nil {
		t.Fatalf("trusted by config: %v", err)
	}

	// Damage: a lost key is an error, never regenerated; loose modes refused.
	if err := os.Remove(filepath.Join(dir, SigningKeyFile)); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, PublicKeyFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Create(filepath.Join(dir, "other")); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, OpenOptions{Create: true}); err == nil || !strings.Contains(err.Error(), "never regenerated") {
		t.Fatalf("lost key: %v", err)
	}
	loose := KeysDir(t.TempDir())
	if _, err := Open(loose, OpenOptions{Create: true}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(loose, SigningKeyFile), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(loose, OpenOptions{}); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("a readable key: %v", err)
	}
}

func TestRevocations(t *testing.T) {
	s, now, revs, k := testChecker(t)
	a, ca, _ := s.Mint(Request{Role: api.RoleCompliance, Subject: "alice"})
	b, _, _ := s.Mint(Request{Role: api.RoleCompliance, Subject: "alice"})
	c, _, _ := s.Mint(Request{Role: api.RoleCompliance, Subject: "bob"})
	revs.Add(Revocation{Kind: RevokeID, Value: ca.ID, At: now})
	check := func(tok string, want error) {
		t.Helper()
		if _, err := k.Check(tok, now); !errors.Is(err, want) {
			t.Errorf("got %v, want %v", err, want)
		}
	}
	check(a, ErrRevoked)
	check(b, nil)
	revs.Add(Revocation{Kind: RevokeSubject, Value: "alice", At: now.Add(time.Minute)})
	check(b, ErrRevoked)
	check(c, nil)
	// a token minted for alice after the revocation works
	s.now = func() time.Time { return now.Add(2 * time.Minute) }
	d, _, _ := s.Mint(Request{Role: api.RoleCompliance, Subject: "alice"})
	if _, err := k.Check(d, now.Add(2*time.Minute)); err != nil {
		t.Errorf("new token after a subject revocation: %v", err)
	}
	// an older revocation of the subject does not shorten a newer one
	revs.Add(Revocation{Kind: RevokeSubject, Value: "alice", At: now})
	check(b, ErrRevoked)
	if got := revs.List(); len(got) != 2 {
		t.Errorf("list: %+v", got)
	}
}

func TestBearer(t *testing.T) {
	for in, want := range map[string]string{"Bearer abc": "abc", "bearer  x.y ": "x.y", "Basic abc": "", "": ""} {
		if got := Bearer(in); got != want {
			t.Errorf("Bearer(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzVerify(f *testing.F) {
	s := testSigner(f)
	v := NewVerifier(s.Public())
	tok, _, _ := s.Mint(Request{Role: api.RoleAnchor, Room: "r"})
	f.Add(tok)
	f.Add("a.b.c")
	f.Add(`eyJhbGciOiJub25lIn0.e30.`)
	f.Fuzz(func(t *testing.T, in string) {
		c, err := v.Verify(in, time.Now())
		if err == nil && (c.Subject == "" || c.ID == "" || c.ExpiresAt == nil) {
			t.Fatalf("accepted incomplete claims %+v", c)
		}
	})
}

// TestCheckerRemembersSafely: a token verified once still expires and can
// still be revoked; a token that did not verify is never remembered.
func TestCheckerRemembersSafely(t *testing.T) {
	s, now, revs, k := testChecker(t)
	tok, c, _ := s.Mint(Request{Role: api.RoleCompliance, TTL: time.Hour})
	if _, err := k.Check(tok, now); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Check(tok, now.Add(2*time.Hour)); !errors.Is(err, ErrExpired) {
		t.Errorf("a remembered token after its expiry: %v", err)
	}
	revs.Add(Revocation{Kind: RevokeID, Value: c.ID, At: now})
	if _, err := k.Check(tok, now); !errors.Is(err, ErrRevoked) {
		t.Errorf("a remembered token after its revocation: %v", err)
	}
	bad := tok[:len(tok)-2] + "AA"
	if bad == tok { // the signature ended in AA already
		bad = tok[:len(tok)-2] + "BB"
	}
	for range 2 {
		if _, err := k.Check(bad, now); !errors.Is(err, ErrSignature) {
			t.Errorf("a forged token: %v", err)
		}
	}
}
