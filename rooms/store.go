package rooms

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// storeVersion is bumped when the stored room list changes incompatibly.
const storeVersion = 1

// errUnreadableList marks a room list that is not JSON at all (truncated,
// garbled): Open sets it aside instead of refusing to start.
var errUnreadableList = errors.New("unreadable")

// SetAside is a stored room list that could not be read at Open and was
// moved aside; the registry started without the rooms it held.
type SetAside struct {
	Path   string    `json:"path"` // where the file is now
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// setAside moves the unreadable room list at path aside, so the service
// starts (with no registered rooms: register them again, or repair the
// file) and the next save writes a fresh list.
func setAside(path string, cause error, now time.Time) (SetAside, error) {
	to := path + ".quarantined-" + now.UTC().Format("20060102T150405.000000000Z")
	if err := os.Rename(path, to); err != nil {
		return SetAside{}, fmt.Errorf("%w; moving it aside: %w", cause, err)
	}
	return SetAside{Path: to, Reason: cause.Error(), At: now.UTC()}, nil
}

type storedRooms struct {
	Version int    `json:"version"`
	Rooms   []Spec `json:"rooms"`
}

// loadSpecs reads the stored room list; a missing file is an empty list.
// Entries that no longer validate are reported, not silently dropped.
func loadSpecs(path string, schemes []string) ([]Spec, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("rooms: reading %s: %w", path, err)
	}
	return decodeSpecs(data, path, schemes)
}

// decodeSpecs parses a stored room list read from path (named in errors).
func decodeSpecs(data []byte, path string, schemes []string) ([]Spec, error) {
	var st storedRooms
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("rooms: %s is not a room list: %w: %w", path, errUnreadableList, err)
	}
	if st.Version != storeVersion {
		return nil, fmt.Errorf("rooms: %s: version %d, want %d", path, st.Version, storeVersion)
	}
	seen := map[string]bool{}
	for i, s := range st.Rooms {
		if err := s.Validate(schemes); err != nil {
			return nil, fmt.Errorf("rooms: %s: room [%d]: %w", path, i, err)
		}
		if seen[s.ID] {
			return nil, fmt.Errorf("rooms: %s: room %q listed twice", path, s.ID)
		}
		seen[s.ID] = true
	}
	return st.Rooms, nil
}

// saveSpecs writes the room list atomically (temp file, fsync, rename), so a
// crash leaves the old list or the new one, never half of one. The file may
// hold pull tokens: it is readable by the owner only.
func saveSpecs(path string, specs []Spec) (err error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("rooms: save: %w", err)
	}
	data, err := json.MarshalIndent(storedRooms{Version: storeVersion, Rooms: specs}, "", "  ")
	if err != nil {
		return fmt.Errorf("rooms: save: %w", err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".rooms-*.json")
	if err != nil {
		return fmt.Errorf("rooms: save: %w", err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(append(data, '\n')); err != nil {
		return fmt.Errorf("rooms: save %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("rooms: save %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("rooms: save %s: %w", path, err)
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("rooms: save %s: %w", path, err)
	}
	return nil
}

// SetAside lists the stored room lists moved aside at Open.
func (r *Registry) SetAside() []SetAside { return append([]SetAside(nil), r.aside...) }

// Ready reports whether the registry takes rooms: nil until it is closed.
func (r *Registry) Ready(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return errors.New("rooms: the registry is closed")
	}
	return nil
}
