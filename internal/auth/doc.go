// Package auth mints and verifies earshot's HTTP bearer tokens: JWTs
// (RFC 7519, github.com/golang-jwt/jwt/v5) signed with Ed25519 (EdDSA,
// RFC 8037). A token names who holds it (sub), its role (api.Role: anchor
// of one room, ingest, compliance, policy, metrics, admin), the room of an
// anchor, when it was issued and when it expires (iat, exp) and an id
// (jti) that revocation can name.
//
// Why EdDSA and not HS256: every API node of a cluster must verify every
// token, but only the nodes that mint tokens need the private key. With a
// public verification key (DATA/keys/http/signing.pub, or a file listed in
// http.token_keys) an API node that is broken into cannot mint an admin
// token; with HS256 the verification key is the signing key.
//
// Keys live in DATA/keys/http (mode 0700): signing.key, the Ed25519
// private key as PKCS#8 PEM (mode 0600), and signing.pub, its public key
// as PKIX PEM. They are created once, on a new data dir, with
// internal/keyfile's conventions (O_EXCL, 0600, never replaced); a key
// that is missing later is an error, never regenerated, because a new key
// would invalidate every token handed out. HTTP tokens are separate from
// the NATS credentials of alerter/natsauth: other keys, another directory,
// and an audience ("earshot-http") a NATS JWT does not carry.
//
// Revocations (revoke.go) are a set of token ids and of subjects revoked at
// a time; package internal/auth/revocation keeps them in NATS.
//
// This package must never log a token or a key, never accept a token
// without an expiry, a subject or an id, and never accept an algorithm
// other than EdDSA (the "alg": "none" and HS256-with-the-public-key
// attacks).
package auth
