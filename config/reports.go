package config

import "fmt"

// Reports configures viewer reports (package reports, docs/reports.md).
// Zero values take the defaults written next to each.
type Reports struct {
	// ViewerKeys are PEM Ed25519 public keys of the platform: viewer
	// tokens it signs with the private keys are accepted, as viewer tokens
	// only (internal/auth.PlatformViewers).
	ViewerKeys []string `yaml:"viewer_keys"`
	// MinReporters distinct reporters with a record (default 3; new
	// reporters never count) and every reporter's weight adding up to
	// MinWeight (default 2) raise a viewer-reports alert.
	MinReporters int     `yaml:"min_reporters"`
	MinWeight    float64 `yaml:"min_weight"`
	// FloodNewReporters new reporters in one room within a minute trip its
	// flood breaker (default 8).
	FloodNewReporters int `yaml:"flood_new_reporters"`
	// MaxBytes bounds the EARSHOT_REPORTS bucket; 0: a share of the
	// storage limit (internal/app/bounds.go).
	MaxBytes Bytes `yaml:"max_bytes"`
}

func (r Reports) validate() error {
	switch {
	case r.MinReporters != 0 && r.MinReporters < 2:
		return fmt.Errorf("config: reports.min_reporters %d: want at least 2 (one viewer is never a burst)", r.MinReporters)
	case r.MinWeight < 0:
		return fmt.Errorf("config: reports.min_weight %v: must not be negative", r.MinWeight)
	case r.FloodNewReporters != 0 && r.FloodNewReporters < 2:
		return fmt.Errorf("config: reports.flood_new_reporters %d: want at least 2", r.FloodNewReporters)
	}
	return nil
}
