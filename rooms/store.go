package rooms

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// storeVersion is bumped when the stored room list changes incompatibly.
const storeVersion = 1

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
		return nil, fmt.Errorf("rooms: %s is not a room list: %w", path, err)
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
