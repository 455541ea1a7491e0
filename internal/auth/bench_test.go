package auth

import (
	"testing"
	"time"

	"github.com/earshot/earshot/api"
)

// BenchmarkCheck is what a token costs on its later requests: the claims
// remembered, expiry and the revocation list (1,000 entries) checked.
func BenchmarkCheck(b *testing.B) {
	s := testSigner(b)
	revs := NewRevocations()
	now := time.Now()
	for i := range 1000 {
		revs.Add(Revocation{Kind: RevokeSubject, Value: "sub-" + string(rune('a'+i%26)) + time.Duration(i).String(), At: now})
	}
	k := &Checker{Verifier: NewVerifier(s.Public()), Revocations: revs}
	tok, _, err := s.Mint(Request{Role: api.RoleCompliance, Subject: "li.na@platform"})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := k.Check(tok, now); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMint is what `earshot token` and a page sign-in cost.
func BenchmarkMint(b *testing.B) {
	s := testSigner(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Mint(Request{Role: api.RoleAnchor, Room: "r1"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify is a token's first request: the signature check.
func BenchmarkVerify(b *testing.B) {
	s := testSigner(b)
	v := NewVerifier(s.Public())
	tok, _, err := s.Mint(Request{Role: api.RoleCompliance, Subject: "li.na@platform"})
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := v.Verify(tok, now); err != nil {
			b.Fatal(err)
		}
	}
}
