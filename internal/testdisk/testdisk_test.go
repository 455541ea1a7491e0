package testdisk

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestFillThenFree: a filled tmpfs refuses a write with ENOSPC; after Free
// the same write succeeds.
func TestFillThenFree(t *testing.T) {
	dir := Tmpfs(t, 4<<20)
	fl := Fill(t, dir, 0)
	if fl.Bytes < 3<<20 {
		t.Errorf("filler took %d bytes of a 4 MiB tmpfs", fl.Bytes)
	}
	err := os.WriteFile(filepath.Join(dir, "probe"), make([]byte, 8192), 0o600)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("write on a full tmpfs: %v, want ENOSPC", err)
	}
	fl.Free(t)
	if err := os.WriteFile(filepath.Join(dir, "probe"), make([]byte, 8192), 0o600); err != nil {
		t.Fatalf("write after Free: %v", err)
	}
}

// TestFillLeaving: the room left takes a small write but not a large one.
func TestFillLeaving(t *testing.T) {
	dir := Tmpfs(t, 4<<20)
	Fill(t, dir, 64<<10)
	if err := os.WriteFile(filepath.Join(dir, "small"), make([]byte, 8<<10), 0o600); err != nil {
		t.Fatalf("small write with 64 KiB left: %v", err)
	}
	err := os.WriteFile(filepath.Join(dir, "large"), make([]byte, 256<<10), 0o600)
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("large write with 64 KiB left: %v, want ENOSPC", err)
	}
}
