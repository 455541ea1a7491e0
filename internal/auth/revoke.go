package auth

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// RevocationKind says what a revocation names.
type RevocationKind string

// The kinds of revocation.
const (
	// RevokeID revokes the one token with this id (jti).
	RevokeID RevocationKind = "id"
	// RevokeSubject revokes every token of the subject issued at or before
	// the revocation; tokens minted for the subject later are valid.
	RevokeSubject RevocationKind = "subject"
)

// Revocation is one entry of the revocation list.
type Revocation struct {
	Kind  RevocationKind `json:"kind"`
	Value string         `json:"value"`
	At    time.Time      `json:"at"`
	// By is the subject of the admin token that revoked.
	By     string `json:"by"`
	Reason string `json:"reason,omitempty"`
}

// MaxReason bounds a revocation's reason.
const MaxReason = 500

// Validate names the first field that is wrong.
func (r Revocation) Validate() error {
	switch {
	case r.Kind != RevokeID && r.Kind != RevokeSubject:
		return fmt.Errorf("kind %q: want id or subject", r.Kind)
	case strings.TrimSpace(r.Value) == "":
		return fmt.Errorf("%s: must not be empty", r.Kind)
	case r.Kind == RevokeSubject && len(r.Value) > MaxSubject:
		return fmt.Errorf("subject: longer than %d bytes", MaxSubject)
	case r.Kind == RevokeID && len(r.Value) > 64:
		return errors.New("id: longer than 64 bytes")
	case len(r.Reason) > MaxReason:
		return fmt.Errorf("reason: longer than %d bytes", MaxReason)
	case r.At.IsZero():
		return errors.New("at: the revocation has no time")
	}
	return nil
}

// Revocations is the in-memory revocation list every request is checked
// against. It is safe for concurrent use.
type Revocations struct {
	mu       sync.RWMutex
	ids      map[string]Revocation
	subjects map[string]Revocation
}

// NewRevocations is an empty list.
func NewRevocations() *Revocations {
	return &Revocations{ids: map[string]Revocation{}, subjects: map[string]Revocation{}}
}

// Add records r (a later revocation of a subject replaces an earlier one:
// it revokes more).
func (l *Revocations) Add(r Revocation) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.Kind == RevokeID {
		l.ids[r.Value] = r
		return
	}
	if old, ok := l.subjects[r.Value]; !ok || r.At.After(old.At) {
		l.subjects[r.Value] = r
	}
}

// Check returns an error wrapping ErrRevoked if c is revoked.
func (l *Revocations) Check(c Claims) error {
	if l == nil {
		return nil
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	if r, ok := l.ids[c.ID]; ok {
		return fmt.Errorf("%w: id revoked at %s", ErrRevoked, r.At.UTC().Format(time.RFC3339))
	}
	// Second precision: iat is in whole seconds, so a token issued in the
	// second of the revocation counts as issued before it.
	if r, ok := l.subjects[c.Subject]; ok && !c.Issued().After(r.At.Truncate(time.Second)) {
		return fmt.Errorf("%w: subject's tokens issued until %s are revoked", ErrRevoked, r.At.UTC().Format(time.RFC3339))
	}
	return nil
}

// List returns every revocation, oldest first.
func (l *Revocations) List() []Revocation {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]Revocation, 0, len(l.ids)+len(l.subjects))
	for _, r := range l.ids {
		out = append(out, r)
	}
	for _, r := range l.subjects {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Revocation) int {
		if c := a.At.Compare(b.At); c != 0 {
			return c
		}
		return strings.Compare(string(a.Kind)+a.Value, string(b.Kind)+b.Value)
	})
	return out
}

// Checker verifies a token and applies the revocation list: what every
// request's token goes through. It remembers the claims of tokens that
// verified (a signature check costs most of a request's CPU, and a client
// sends its token again and again); expiry and revocation are checked on
// every call. Use it through a pointer; the zero cache is ready.
type Checker struct {
	Verifier    *Verifier
	Revocations *Revocations // nil: nothing is revoked
	// Viewers verifies the viewer tokens a platform signs itself; a token
	// that Verifier does not know the key of is tried there. nil: only
	// earshot's own viewer tokens.
	Viewers *PlatformViewers

	mu       sync.Mutex
	verified map[string]Claims
}

// maxVerified bounds the remembered tokens; when full, it starts over.
const maxVerified = 4096

// Check returns the claims of a valid, unrevoked token.
func (k *Checker) Check(token string, now time.Time) (Claims, error) {
	k.mu.Lock()
	c, ok := k.verified[token]
	k.mu.Unlock()
	if !ok {
		var err error
		if c, err = k.Verifier.Verify(token, now); err != nil {
			if !errors.Is(err, ErrSignature) || k.Viewers == nil {
				return Claims{}, err
			}
			if c, err = k.Viewers.Verify(token, now); err != nil {
				return Claims{}, err
			}
		}
		k.mu.Lock()
		if k.verified == nil || len(k.verified) >= maxVerified {
			k.verified = make(map[string]Claims)
		}
		k.verified[token] = c
		k.mu.Unlock()
	} else if !now.Before(c.Expires().Add(leeway)) {
		return Claims{}, fmt.Errorf("%w", ErrExpired)
	}
	if err := k.Revocations.Check(c); err != nil {
		return Claims{}, err
	}
	return c, nil
}
