package gctune

import (
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"
)

// TestApplyLeavesTheEnvironmentsSettings: GOGC and GOMEMLIMIT set by the
// operator are not overridden; unset ones get the policy; no memory size,
// no change.
func TestApplyLeavesTheEnvironmentsSettings(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	const gib = 1 << 30
	tests := []struct {
		name  string
		env   map[string]string
		avail int64
		want  Policy
	}{
		{"nothing set", nil, 8 * gib, Policy{Percent: Percent, MemoryLimit: 6 * gib}},
		{"GOGC set", map[string]string{"GOGC": "150"}, 8 * gib, Policy{MemoryLimit: 6 * gib}},
		{"GOMEMLIMIT set", map[string]string{"GOMEMLIMIT": "2GiB"}, 8 * gib, Policy{Percent: Percent}},
		{"both set", map[string]string{"GOGC": "off", "GOMEMLIMIT": "2GiB"}, 8 * gib, Policy{}},
		{"no memory size", nil, 0, Policy{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetGCPercent(100)
			debug.SetMemoryLimit(-1)
			got := apply(func(k string) string { return tt.env[k] }, tt.avail)
			if got != tt.want {
				t.Fatalf("apply = %+v, want %+v", got, tt.want)
			}
			if pct := debug.SetGCPercent(100); tt.want.Percent != 0 && pct != tt.want.Percent || tt.want.Percent == 0 && pct != 100 {
				t.Errorf("GC percent in force %d, want %d", pct, max(tt.want.Percent, 100))
			}
			if lim := debug.SetMemoryLimit(-1); tt.want.MemoryLimit != 0 && lim != tt.want.MemoryLimit {
				t.Errorf("memory limit in force %d, want %d", lim, tt.want.MemoryLimit)
			}
		})
	}
}

func TestReadLimit(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct {
		content string
		want    int64
	}{{"max\n", 0}, {"1073741824\n", 1 << 30}, {"garbage", 0}, {"-1", 0}} {
		path := filepath.Join(dir, "memory.max")
		if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := readLimit(path); got != tt.want {
			t.Errorf("readLimit(%q) = %d, want %d", tt.content, got, tt.want)
		}
	}
	if got := readLimit(filepath.Join(dir, "missing")); got != 0 {
		t.Errorf("a missing file reads as %d, want 0", got)
	}
}
