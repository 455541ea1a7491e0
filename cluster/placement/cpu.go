//go:build unix

package placement

import (
	"runtime"
	"syscall"
	"time"
)

// newCPUMeter returns a func giving the share of the machine's cores this
// process used since its previous call (0 on the first). It is called
// from one goroutine only (the placement loop).
func newCPUMeter() func() float64 {
	var last time.Duration
	var at time.Time
	return func() float64 {
		var ru syscall.Rusage
		if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
			return 0
		}
		used := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		now := time.Now()
		prev, prevAt := last, at
		last, at = used, now
		if prevAt.IsZero() || !now.After(prevAt) {
			return 0
		}
		return min(1, float64(used-prev)/float64(now.Sub(prevAt))/float64(runtime.NumCPU()))
	}
}
