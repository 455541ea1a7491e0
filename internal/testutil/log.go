package testutil

import "log/slog"

// Quiet is a logger that drops everything, for the code under test whose
// logs (expected warnings, reconnects) would bury a failure's output.
func Quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }
