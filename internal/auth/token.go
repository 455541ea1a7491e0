package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
)

// The fixed claims of every earshot HTTP token.
const (
	Issuer   = "earshot"
	Audience = "earshot-http"
)

// leeway absorbs clock differences between the node that minted a token
// and the node that checks it.
const leeway = 5 * time.Second

// MaxSubject bounds the subject claim, which audit entries repeat.
const MaxSubject = 200

// Claims is what a token says. The registered claims are sub (Subject), jti
// (ID), iat (IssuedAt), exp (ExpiresAt), iss and aud.
type Claims struct {
	Role api.Role `json:"role"`
	// Room is the anchor's room; empty for every other role.
	Room string `json:"room,omitempty"`
	// Viewer is a viewer token's viewer id (api.ValidViewerID); empty for
	// every other role.
	Viewer string `json:"viewer,omitempty"`
	jwt.RegisteredClaims
}

// Validate checks what the JWT library does not: a known role, a room for
// anchors only, a subject and an id (jwt.ClaimsValidator).
func (c Claims) Validate() error {
	if _, err := api.ParseRole(string(c.Role)); err != nil {
		return err
	}
	switch {
	case c.Role == api.RoleAnchor && c.Room == "":
		return errors.New("an anchor token names no room")
	case c.Role != api.RoleAnchor && c.Room != "":
		return fmt.Errorf("a %s token must not name a room", c.Role)
	case c.Role == api.RoleViewer && c.Viewer == "":
		return errors.New("a viewer token names no viewer")
	case c.Role != api.RoleViewer && c.Viewer != "":
		return fmt.Errorf("a %s token must not name a viewer", c.Role)
	case strings.TrimSpace(c.Subject) == "" || len(c.Subject) > MaxSubject:
		return fmt.Errorf("subject: want 1 to %d bytes", MaxSubject)
	case c.ID == "":
		return errors.New("the token has no id (jti)")
	}
	if c.Viewer != "" {
		return api.ValidViewerID(c.Viewer)
	}
	if c.Room != "" {
		return alerter.ValidRoomID(c.Room)
	}
	return nil
}

// Issued returns the issue time (zero if absent).
func (c Claims) Issued() time.Time {
	if c.IssuedAt == nil {
		return time.Time{}
	}
	return c.IssuedAt.Time
}

// Expires returns the expiry (zero if absent).
func (c Claims) Expires() time.Time {
	if c.ExpiresAt == nil {
		return time.Time{}
	}
	return c.ExpiresAt.Time
}

// Errors a caller can tell apart; Verify's errors wrap one of them.
var (
	ErrMalformed = errors.New("token is malformed")
	ErrSignature = errors.New("token signature does not verify")
	ErrExpired   = errors.New("token has expired")
	ErrInvalid   = errors.New("token claims are invalid")
	ErrRevoked   = errors.New("token has been revoked")
	// ErrScope: the token verifies but does not grant what was asked.
	ErrScope = errors.New("token does not grant this")
	// ErrNoSigner: this node holds only verification keys.
	ErrNoSigner = errors.New("this node has no signing key (only verification keys)")
)

// Request is what to mint; zero fields take defaults.
type Request struct {
	Role   api.Role
	Room   string // anchors only
	Viewer string // viewers only
	// Subject is who holds the token; default "anchor:<room>" for anchors,
	// "viewer:<id>" for viewers and the role's name otherwise.
	Subject string
	// TTL is the lifetime; default Role.DefaultTTL. Tokens always expire.
	TTL time.Duration
}

// Signer mints tokens with the installation's private key.
type Signer struct {
	key ed25519.PrivateKey
	kid string
	now func() time.Time
}

// NewSigner signs with key (tests, external key management).
func NewSigner(key ed25519.PrivateKey) *Signer {
	return &Signer{key: key, kid: KeyID(key.Public().(ed25519.PublicKey)), now: time.Now}
}

// Public is the verification key of the signer's tokens.
func (s *Signer) Public() ed25519.PublicKey { return s.key.Public().(ed25519.PublicKey) }

// Mint signs a token for req and returns it with its claims.
func (s *Signer) Mint(req Request) (string, Claims, error) {
	if s == nil {
		return "", Claims{}, ErrNoSigner
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = req.Role.DefaultTTL()
	}
	if ttl < 0 {
		return "", Claims{}, fmt.Errorf("auth: ttl %s: tokens always expire, want a positive lifetime", ttl)
	}
	sub := req.Subject
	if sub == "" {
		sub = string(req.Role)
		switch req.Role {
		case api.RoleAnchor:
			sub = "anchor:" + req.Room
		case api.RoleViewer:
			sub = ViewerSubject(req.Viewer)
		}
	}
	id, err := newID()
	if err != nil {
		return "", Claims{}, err
	}
	now := s.now().Truncate(time.Second)
	c := Claims{Role: req.Role, Room: req.Room, Viewer: req.Viewer, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: Issuer, Audience: jwt.ClaimStrings{Audience}, Subject: sub, ID: id,
		IssuedAt: jwt.NewNumericDate(now), ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
	}}
	return s.Sign(c)
}

// Sign signs c as it is (Mint fills the defaults); tests use it for
// expired and otherwise unusual tokens.
func (s *Signer) Sign(c Claims) (string, Claims, error) {
	if s == nil {
		return "", Claims{}, ErrNoSigner
	}
	if err := c.Validate(); err != nil {
		return "", Claims{}, fmt.Errorf("auth: %w", err)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = s.kid
	tok, err := t.SignedString(s.key)
	if err != nil {
		return "", Claims{}, fmt.Errorf("auth: signing: %w", err)
	}
	return tok, c, nil
}

// newID is a token id: 128 random bits, base64url.
func newID() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Verifier checks tokens against a set of public keys, chosen by the
// token's "kid" header.
type Verifier struct {
	keys map[string]ed25519.PublicKey
}

// NewVerifier trusts keys.
func NewVerifier(keys ...ed25519.PublicKey) *Verifier {
	v := &Verifier{keys: map[string]ed25519.PublicKey{}}
	for _, k := range keys {
		v.keys[KeyID(k)] = k
	}
	return v
}

// KeyIDs lists the ids of the trusted keys.
func (v *Verifier) KeyIDs() []string {
	out := make([]string, 0, len(v.keys))
	for id := range v.keys {
		out = append(out, id)
	}
	return out
}

// Verify checks signature, algorithm, issuer, audience, expiry and claims
// at time now, and returns the claims. It does not check revocation
// (Revocations.Check) or what the token grants.
func (v *Verifier) Verify(token string, now time.Time) (Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, v.key,
		jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}),
		jwt.WithIssuer(Issuer), jwt.WithAudience(Audience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return Claims{}, verifyError(err)
	}
	return c, nil
}

// verifyError maps the JWT library's error to ours.
func verifyError(err error) error {
	switch {
	case errors.Is(err, jwt.ErrTokenMalformed):
		return fmt.Errorf("%w", ErrMalformed)
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		return fmt.Errorf("%w", ErrSignature)
	case errors.Is(err, jwt.ErrTokenExpired):
		return fmt.Errorf("%w", ErrExpired)
	}
	return fmt.Errorf("%w: %s", ErrInvalid, claimProblem(err))
}

// claimProblem is the library's reason without the token's content.
func claimProblem(err error) string {
	msg := err.Error()
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

func (v *Verifier) key(t *jwt.Token) (any, error) {
	kid, _ := t.Header["kid"].(string)
	if k, ok := v.keys[kid]; ok {
		return k, nil
	}
	return nil, fmt.Errorf("%w: signed by an unknown key", jwt.ErrTokenUnverifiable)
}

// Bearer extracts the token from an Authorization header value.
func Bearer(header string) string {
	scheme, tok, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}
