package testdisk

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/earshot/earshot/internal/testutil"
)

// Tmpfs mounts a tmpfs of size bytes on a new temporary directory and
// unmounts it when the test ends.
func Tmpfs(t testing.TB, size int64) string {
	t.Helper()
	testutil.NeedRoot(t, "mounting a tmpfs")
	dir, err := os.MkdirTemp("", "earshot-tmpfs-")
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("mount", "-t", "tmpfs", "-o", fmt.Sprintf("size=%d,mode=0755", size), "tmpfs", dir).CombinedOutput()
	if err != nil {
		_ = os.Remove(dir)
		testutil.Need(t, fmt.Errorf("mount -t tmpfs: %w: %s", err, strings.TrimSpace(string(out))))
	}
	t.Cleanup(func() {
		// Lazy: a process the test started may still hold a file open.
		if out, err := exec.Command("umount", "-l", dir).CombinedOutput(); err != nil {
			t.Errorf("umount %s: %v: %s", dir, err, out)
			return
		}
		_ = os.Remove(dir)
	})
	return dir
}

// Filler is a file that took all the space left on its file system.
type Filler struct {
	Path  string
	Bytes int64
}

// Fill writes a file under dir until the file system refuses another byte
// (ENOSPC), then gives back leave bytes of it, and returns it; Free removes
// it. Leaving a little room lets a writer start and fail halfway, which is
// what a disk that fills under load does.
func Fill(t testing.TB, dir string, leave int64) *Filler {
	t.Helper()
	f, err := os.CreateTemp(dir, "filler-*")
	if err != nil {
		t.Fatalf("filler: %v", err)
	}
	fl := &Filler{Path: f.Name()}
	t.Cleanup(func() { _ = os.Remove(fl.Path) })
	buf := make([]byte, 1<<20)
	for _, chunk := range []int{1 << 20, 64 << 10, 4 << 10, 512, 1} {
		for {
			n, err := f.Write(buf[:chunk])
			fl.Bytes += int64(n)
			if err != nil {
				if !errors.Is(err, syscall.ENOSPC) {
					t.Fatalf("filler: %v", err)
				}
				break
			}
		}
	}
	if leave > 0 {
		fl.Bytes = max(0, fl.Bytes-leave)
		if err := f.Truncate(fl.Bytes); err != nil {
			t.Fatalf("filler: %v", err)
		}
	}
	_ = f.Close()
	return fl
}

// Free removes the filler, giving its space back.
func (f *Filler) Free(t testing.TB) {
	t.Helper()
	if err := os.Remove(f.Path); err != nil && !os.IsNotExist(err) {
		t.Fatalf("freeing %s: %v", filepath.Base(f.Path), err)
	}
}
