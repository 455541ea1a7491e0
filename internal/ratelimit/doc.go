// Package ratelimit keeps one token bucket (golang.org/x/time/rate) per
// key, such as a client address or a token, in a map of bounded size: when
// the map is full the least recently used key is forgotten, so keys a
// client invents cost memory only up to the bound.
//
// This package must never block a caller (it answers at once with the wait
// a client should observe), and never keep more than its configured number
// of keys.
package ratelimit
