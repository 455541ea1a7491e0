// Package revocation keeps the HTTP token revocation list in the NATS
// key-value bucket EARSHOT_REVOCATIONS, so that every API node applies
// every revocation: each node watches the bucket and keeps the list in
// memory (auth.Revocations), against which every request's token is
// checked. A node starts serving only after it has read the whole list.
//
// Keys are "id.<base64url(jti)>" and "sub.<base64url(subject)>"; values
// are auth.Revocation JSON. A revocation is never deleted: a revoked id
// stays revoked, and a subject's revocation covers the tokens issued until
// its time, so new tokens can be minted for the subject afterwards.
//
// This package must never log a token, never unrevoke anything, and never
// serve from a list it has not read to the end.
package revocation
