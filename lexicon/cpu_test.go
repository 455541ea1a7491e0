package lexicon

import (
	"runtime"
	"syscall"
	"testing"
	"time"
)

// cpuNow is the CPU time of this process so far, user and system, all
// threads: the benchmark's own work and the garbage collection it causes,
// but not the other processes sharing the machine, which on a loaded
// machine stretch wall-clock time and not this.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuMetric starts measuring CPU time; the function it returns reports it
// per op (cpu-ns/op) and returns it, for a benchmark that runs b.Loop
// between the two calls. Start it after the set-up, right before the loop.
// Set-up garbage is collected first, so the op is not billed for it.
func cpuMetric(b *testing.B) func() time.Duration {
	runtime.GC()
	start := cpuNow()
	return func() time.Duration {
		per := (cpuNow() - start) / time.Duration(max(b.N, 1))
		b.ReportMetric(float64(per.Nanoseconds()), "cpu-ns/op")
		return per
	}
}
