// Package ctxtime holds the one timing helper every retry loop needs: a
// sleep that a cancelled context cuts short.
//
// Retry and renewal loops (room claims, placement watches, the trust
// ledger's start-up) wait between attempts; a time.Sleep there would hold
// a drain or a shutdown for the whole delay.
//
// This package must never keep state or start goroutines: it is a pure
// function of its arguments and the clock.
package ctxtime
