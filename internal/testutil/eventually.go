package testutil

import (
	"testing"
	"time"
)

// pollEvery is how often Eventually checks: often enough that a test waits
// little past the moment its condition holds.
const pollEvery = 20 * time.Millisecond

// Eventually calls f until it returns nil, failing the test with f's last
// error if that has not happened within the deadline. f runs at least once.
func Eventually(t testing.TB, within time.Duration, f func() error) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		err := f()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %v", within, err)
		}
		<-tick.C
	}
}
