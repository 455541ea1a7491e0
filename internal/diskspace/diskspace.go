package diskspace

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// ErrUnknown is returned by Free where the platform cannot tell.
var ErrUnknown = errors.New("free space unknown on this platform")

// Free returns the bytes an unprivileged writer may still use on the file
// system holding path. A path that does not exist yet is measured at its
// nearest existing parent.
func Free(path string) (uint64, error) {
	return free(existing(path))
}

// existing is path or its nearest existing parent.
func existing(path string) string {
	p := filepath.Clean(path)
	for {
		if _, err := os.Stat(p); err == nil {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return p
		}
		p = parent
	}
}

// Total returns the size of the file system holding path (measured like
// Free), in bytes an unprivileged writer could use if it were empty.
func Total(path string) (uint64, error) {
	return total(existing(path))
}

// IsNoSpace reports whether err says a file system is out of space or out of
// quota. Libraries that flatten errors into text (bleve, nats-server) are
// recognised by the kernel's message.
func IsNoSpace(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || isQuota(err) {
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "no space left on device") || strings.Contains(msg, "disk quota exceeded")
}
