package auth

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestRoundTripAndScope(t *testing.T) {
	dir := t.TempDir()
	s, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadOrCreate(dir)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_800_000_000, 0)
	tok, err := s.Sign(Claims{Room: "r1", Role: "anchor"})
	if err != nil {
		t.Fatal(err)
	}
	if err := again.AllowRoom(tok, "r1", now); err != nil {
		t.Fatalf("key reloaded from the data dir must verify: %v", err)
	}
	if err := s.AllowRoom(tok, "r2", now); !errors.Is(err, ErrScope) {
		t.Fatalf("room token used for another room: %v", err)
	}
	if err := s.AllowRole(tok, "policy", now); !errors.Is(err, ErrScope) {
		t.Fatalf("anchor token used as policy: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode: %v %v", fi.Mode(), err)
	}
}

func TestRejects(t *testing.T) {
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	other := NewSigner([]byte("fedcba9876543210fedcba9876543210"))
	now := time.Unix(1_800_000_000, 0)
	good, _ := s.Sign(Claims{Room: "r", Role: "anchor"})
	expired, _ := s.Sign(Claims{Room: "r", Role: "anchor", Expires: now.Unix() - 1})
	forged, _ := other.Sign(Claims{Room: "r", Role: "anchor"})
	cases := map[string]struct {
		tok  string
		want error
	}{
		"empty":     {"", ErrMalformed},
		"no dot":    {"abc", ErrMalformed},
		"bad b64":   {"a.!!!", ErrMalformed},
		"forged":    {forged, ErrSignature},
		"expired":   {expired, ErrExpired},
		"truncated": {good[:len(good)-3], ErrSignature},
	}
	for name, tc := range cases {
		if _, err := s.Verify(tc.tok, now); !errors.Is(err, tc.want) {
			t.Errorf("%s: got %v, want %v", name, err, tc.want)
		}
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
	s := NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	tok, _ := s.Sign(Claims{Room: "r", Role: "anchor"})
	f.Add(tok)
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, in string) {
		_, _ = s.Verify(in, time.Now())
	})
}
