// Package auth issues and checks earshot's bearer tokens: a room token lets
// an anchor publish (WHIP) and see the overlay of that one room; a role token
// (policy, compliance) opens the matching API.
//
// Tokens are HMAC-SHA256 signed with a key kept in the data dir, so
// `earshot token --data DIR` and `earshot serve --data DIR` agree without a
// network round trip. This package must never log a token or the key.
package auth
