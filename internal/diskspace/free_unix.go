//go:build unix

package diskspace

import (
	"errors"
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

func free(path string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("diskspace: statfs %s: %w", path, err)
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil // field types differ by OS
}

func total(path string) (uint64, error) {
	var st unix.Statfs_t
	if err := unix.Statfs(path, &st); err != nil {
		return 0, fmt.Errorf("diskspace: statfs %s: %w", path, err)
	}
	// Blocks minus the root-only reserve: what Free would say of an empty
	// file system.
	return (uint64(st.Blocks) - uint64(st.Bfree) + uint64(st.Bavail)) * uint64(st.Bsize), nil
}

func isQuota(err error) bool { return errors.Is(err, syscall.EDQUOT) }
