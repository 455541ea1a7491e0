package webrtcaudio

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/pion/logging"
)

// LevelTrace is the slog level of pion's trace messages: below Debug, so
// that --log-level debug shows pion's debug lines without every packet.
const LevelTrace = slog.LevelDebug - 4

// LoggerFactory makes pion's scoped loggers (ice, dtls, pc, sctp, …) write
// to log, each line with a "pion" attribute naming its scope. Set it as
// the SettingEngine's LoggerFactory, so that library logs follow the
// service's logger and level instead of pion's own stderr default.
//
// pion's Info lines are connection chatter ("Setting new connection state:
// Checking") that the sources' own session logs already sum up, so they
// go to Debug; Warn and Error keep their level.
func LoggerFactory(log *slog.Logger) logging.LoggerFactory {
	return factory{log: log}
}

type factory struct{ log *slog.Logger }

func (f factory) NewLogger(scope string) logging.LeveledLogger {
	return leveled{log: f.log.With("pion", scope)}
}

// leveled adapts one scope. Formatting happens only for enabled levels:
// pion calls Tracef on hot paths.
type leveled struct{ log *slog.Logger }

func (l leveled) emit(level slog.Level, msg string) {
	l.log.Log(context.Background(), level, msg)
}

func (l leveled) emitf(level slog.Level, format string, args ...any) {
	if l.log.Enabled(context.Background(), level) {
		l.log.Log(context.Background(), level, fmt.Sprintf(format, args...))
	}
}

func (l leveled) Trace(msg string)                  { l.emit(LevelTrace, msg) }
func (l leveled) Tracef(format string, args ...any) { l.emitf(LevelTrace, format, args...) }
func (l leveled) Debug(msg string)                  { l.emit(slog.LevelDebug, msg) }
func (l leveled) Debugf(format string, args ...any) { l.emitf(slog.LevelDebug, format, args...) }
func (l leveled) Info(msg string)                   { l.emit(slog.LevelDebug, msg) }
func (l leveled) Infof(format string, args ...any)  { l.emitf(slog.LevelDebug, format, args...) }
func (l leveled) Warn(msg string)                   { l.emit(slog.LevelWarn, msg) }
func (l leveled) Warnf(format string, args ...any)  { l.emitf(slog.LevelWarn, format, args...) }
func (l leveled) Error(msg string)                  { l.emit(slog.LevelError, msg) }
func (l leveled) Errorf(format string, args ...any) { l.emitf(slog.LevelError, format, args...) }
