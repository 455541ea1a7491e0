package gctune

import (
	"bufio"
	"bytes"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Percent is earshot serve's GOGC.
const Percent = 400

// limitShare is the share of the available memory the soft limit allows.
const limitShare = 0.75

// Policy is what Apply set: zero fields were left to the environment (or
// to Go's defaults, when no memory size could be read).
type Policy struct {
	Percent     int   // GOGC set, 0 when left alone
	MemoryLimit int64 // bytes, 0 when left alone
}

// Apply sets earshot serve's policy, leaving GOGC and GOMEMLIMIT alone
// where the environment sets them, and returns what it set. Without a
// memory size to bound the heap by (not Linux, or nothing readable), it
// changes nothing: a larger GOGC needs the limit beside it.
func Apply() Policy {
	return apply(os.Getenv, available())
}

func apply(getenv func(string) string, avail int64) Policy {
	var p Policy
	if avail <= 0 {
		return p
	}
	if getenv("GOMEMLIMIT") == "" {
		p.MemoryLimit = int64(float64(avail) * limitShare)
		debug.SetMemoryLimit(p.MemoryLimit)
	}
	if getenv("GOGC") == "" {
		p.Percent = Percent
		debug.SetGCPercent(Percent)
	}
	return p
}

// available is the memory this process may use: its cgroup's limit (v2,
// then v1) when one is set and smaller than the machine's memory, else
// the machine's (MemTotal); 0 when neither can be read.
func available() int64 {
	total := memTotal()
	for _, path := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if lim := readLimit(path); lim > 0 && (total == 0 || lim < total) {
			return lim
		}
	}
	return total
}

// readLimit reads a cgroup memory limit file: a byte count, or "max"
// (none: 0).
func readLimit(path string) int64 {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}

// memTotal is /proc/meminfo's MemTotal in bytes (0 when unreadable).
func memTotal() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "MemTotal:" {
			kb, err := strconv.ParseInt(f[1], 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
