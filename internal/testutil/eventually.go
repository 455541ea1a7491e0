package testutil

import (
	"fmt"
	"testing"
	"time"
)

// pollEvery is how often Eventually checks: often enough that a test waits
// little past the moment its condition holds.
const pollEvery = 20 * time.Millisecond

// Eventually calls f until it returns nil, failing the test with f's last
// error if that has not happened within the deadline. f runs at least once.
// It is the one way tests wait for a condition: never a fixed sleep.
func Eventually(t testing.TB, within time.Duration, f func() error) {
	t.Helper()
	if err := poll(within, f); err != nil {
		t.Fatalf("not within %v: %v", within, err)
	}
}

// poll calls f every pollEvery until it returns nil or within has passed,
// and returns f's last error (nil: the condition held).
func poll(within time.Duration, f func() error) error {
	deadline := time.Now().Add(within)
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for {
		err := f()
		if err == nil || time.Now().After(deadline) {
			return err
		}
		<-tick.C
	}
}

// WaitFor is Eventually for a condition that has no error to report: what
// names it in the failure ("the session to end").
func WaitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	Eventually(t, within, func() error {
		if !cond() {
			return fmt.Errorf("waiting for %s", what)
		}
		return nil
	})
}
