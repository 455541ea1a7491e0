package ctxtime

import (
	"context"
	"time"
)

// Sleep waits d, or until ctx ends. It reports whether the whole delay
// passed: false means ctx ended and the caller should stop.
func Sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
