package auth

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/earshot/earshot/api"
)

// ViewerAudience is the audience of a viewer token the platform signs
// itself (an "anonymous viewer id signed by the platform", docs/reports.md).
const ViewerAudience = "earshot-viewer"

// MaxViewerAssertion bounds the lifetime of a platform-signed viewer token
// (exp - iat): a leaked one stops working within a day.
const MaxViewerAssertion = 24 * time.Hour

// ViewerSubject is the subject of viewer id's tokens: revoking it
// (earshot token revoke --subject viewer:ID) shuts the viewer out, whoever
// signed their tokens.
func ViewerSubject(id string) string { return "viewer:" + id }

// PlatformViewers verifies viewer tokens the platform signs with its own
// Ed25519 keys (reports.viewer_keys), so a platform can hand every viewer a
// token without asking earshot. Such a key can only ever vouch for a
// viewer: whatever else its tokens claim, they carry api.RoleViewer and
// nothing more, so a platform key that leaks cannot open a staff route.
type PlatformViewers struct {
	keys *Verifier // its keys only: its claim checks are for earshot's own tokens
}

// NewPlatformViewers trusts keys for viewer tokens only.
func NewPlatformViewers(keys ...ed25519.PublicKey) *PlatformViewers {
	return &PlatformViewers{keys: NewVerifier(keys...)}
}

// viewerAssertion is what the platform signs: sub is the viewer id.
type viewerAssertion struct {
	// Role, when present, must be "viewer": a token that claims more is
	// refused rather than quietly narrowed.
	Role string `json:"role,omitempty"`
	jwt.RegisteredClaims
}

// Verify checks a platform-signed viewer token (EdDSA, a trusted kid,
// aud earshot-viewer, exp within MaxViewerAssertion of iat, sub a viewer
// id) and returns it as the claims of a viewer token.
func (p *PlatformViewers) Verify(token string, now time.Time) (Claims, error) {
	if p == nil || len(p.keys.keys) == 0 {
		return Claims{}, fmt.Errorf("%w: no platform viewer keys are configured", ErrSignature)
	}
	var a viewerAssertion
	_, err := jwt.ParseWithClaims(token, &a, p.keys.key, jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}), jwt.WithAudience(ViewerAudience),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithLeeway(leeway),
		jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return Claims{}, verifyError(err)
	}
	switch {
	case a.Role != "" && a.Role != string(api.RoleViewer):
		return Claims{}, fmt.Errorf("%w: a platform viewer key signs viewer tokens only, not %q", ErrInvalid, a.Role)
	case a.IssuedAt == nil:
		return Claims{}, fmt.Errorf("%w: the viewer token has no iat", ErrInvalid)
	case a.ExpiresAt.Sub(a.IssuedAt.Time) > MaxViewerAssertion:
		return Claims{}, fmt.Errorf("%w: the viewer token lives longer than %s", ErrInvalid, MaxViewerAssertion)
	}
	if err := api.ValidViewerID(a.Subject); err != nil {
		return Claims{}, fmt.Errorf("%w: sub: %w", ErrInvalid, err)
	}
	id := a.ID
	if id == "" || len(id) > 64 {
		sum := sha256.Sum256([]byte(token))
		id = "pv-" + hex.EncodeToString(sum[:12])
	}
	c := Claims{Role: api.RoleViewer, Viewer: a.Subject, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: a.Issuer, Audience: a.Audience, Subject: ViewerSubject(a.Subject), ID: id,
		IssuedAt: a.IssuedAt, ExpiresAt: a.ExpiresAt,
	}}
	if err := c.Validate(); err != nil {
		return Claims{}, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return c, nil
}

// SignViewer signs a viewer token the way a platform does with its key
// (tests, and the example in docs/reports.md).
func SignViewer(key ed25519.PrivateKey, viewer string, iat time.Time, ttl time.Duration) (string, error) {
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, viewerAssertion{RegisteredClaims: jwt.RegisteredClaims{
		Issuer: "platform", Audience: jwt.ClaimStrings{ViewerAudience}, Subject: viewer,
		IssuedAt: jwt.NewNumericDate(iat), ExpiresAt: jwt.NewNumericDate(iat.Add(ttl)),
	}})
	t.Header["kid"] = KeyID(key.Public().(ed25519.PublicKey))
	return t.SignedString(key)
}
