package testutil

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// LeakWait is how long LeakCheck's check waits for goroutines to wind
// down: closing a connection or a peer lets its goroutines end soon, not
// at once.
const LeakWait = 10 * time.Second

// LeakCheck counts the goroutines running now and returns a check that
// waits, up to LeakWait, until no more than slack goroutines beyond that
// count run, and otherwise fails t with every goroutine's stack. Call the
// check where everything the test started must have ended, or register it
// with t.Cleanup. slack allows for runtime and library helpers that start
// lazily (an HTTP client's idle connection, a timer goroutine).
func LeakCheck(t testing.TB, slack int) func() {
	t.Helper()
	return leakCheck(t, slack, LeakWait)
}

func leakCheck(t testing.TB, slack int, within time.Duration) func() {
	before := runtime.NumGoroutine()
	return func() {
		t.Helper()
		err := poll(within, func() error {
			if n := runtime.NumGoroutine(); n > before+slack {
				return fmt.Errorf("%d goroutines, %d before (slack %d)", n, before, slack)
			}
			return nil
		})
		if err != nil {
			buf := make([]byte, 1<<20)
			t.Fatalf("goroutine leak after %v: %v\n%s", within, err, buf[:runtime.Stack(buf, true)])
		}
	}
}
