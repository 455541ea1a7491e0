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
	p := filepath.Clean(path)
	for {
		if _, err := os.Stat(p); err == nil {
			break
		}
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	return free(p)
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
