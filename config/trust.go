package config

import "fmt"

// Trust configures the trust ledger (trust/, docs/trust.md).
type Trust struct {
	// Disabled turns the ledger and its routes off.
	Disabled bool `yaml:"disabled"`
	// WindowDays is the rolling window a score covers; default 30.
	WindowDays int `yaml:"window_days"`
	// HistoryDays is how many days of scores the page charts; the bucket
	// keeps window + history + 2 days. Default 30.
	HistoryDays int `yaml:"history_days"`
	// MaxBytes bounds the ledger's bucket (0: a share of the storage).
	MaxBytes Bytes `yaml:"max_bytes"`
}

// maxTrustDays bounds window_days and history_days (a year).
const maxTrustDays = 366

func (t Trust) validate() error {
	if t.WindowDays < 1 || t.WindowDays > maxTrustDays {
		return fmt.Errorf("config: trust.window_days %d: want 1 to %d", t.WindowDays, maxTrustDays)
	}
	if t.HistoryDays < 1 || t.HistoryDays > maxTrustDays {
		return fmt.Errorf("config: trust.history_days %d: want 1 to %d", t.HistoryDays, maxTrustDays)
	}
	if t.MaxBytes < 0 {
		return fmt.Errorf("config: trust.max_bytes: must not be negative")
	}
	return nil
}
