package diskspace

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestFreeMeasuresNearestExistingParent(t *testing.T) {
	dir := t.TempDir()
	got, err := Free(filepath.Join(dir, "not", "yet", "there"))
	if err != nil {
		t.Fatal(err)
	}
	want, err := Free(dir)
	if err != nil {
		t.Fatal(err)
	}
	// Both measure the same file system; others may write in between.
	if got == 0 || want == 0 {
		t.Fatalf("free space 0 on a test temp dir: %d, %d", got, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "not")); !os.IsNotExist(err) {
		t.Errorf("Free created a directory: %v", err)
	}
}

func TestIsNoSpace(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"ENOSPC", &os.PathError{Op: "write", Path: "x", Err: syscall.ENOSPC}, true},
		{"wrapped", fmt.Errorf("batch: %w", syscall.ENOSPC), true},
		{"EDQUOT", fmt.Errorf("batch: %w", syscall.EDQUOT), true},
		{"flattened by a library", errors.New("persist err: write /d/1.zap: no space left on device"), true},
		{"other", errors.New("permission denied"), false},
		{"EIO", syscall.EIO, false},
	} {
		if got := IsNoSpace(tc.err); got != tc.want {
			t.Errorf("%s: IsNoSpace(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}

// TestTotalIsStable: the size of a file system does not change as it fills.
func TestTotalIsStable(t *testing.T) {
	dir := t.TempDir()
	tot, err := Total(dir)
	if err != nil {
		t.Fatal(err)
	}
	free, err := Free(dir)
	if err != nil {
		t.Fatal(err)
	}
	if tot < free {
		t.Fatalf("total %d below free %d", tot, free)
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if again, _ := Total(dir); again != tot {
		t.Errorf("total changed from %d to %d after a write", tot, again)
	}
}
