package testutil

import (
	"context"
	"testing"
	"time"
)

// Context is a context that ends within d, or once the cleanups
// registered after it have run: what a test passes to code that blocks on
// the network or a process, so that a hang fails the test instead of
// stalling the suite. Unlike t.Context it is still live in those cleanups,
// which may need it to close what it opened.
func Context(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}
