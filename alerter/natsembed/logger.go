package natsembed

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
)

// slogLogger adapts log/slog to the nats-server Logger interface. Fatalf
// does not exit: it logs at error level and records the first fatal message,
// which Start turns into its error.
type slogLogger struct {
	log *slog.Logger

	mu    sync.Mutex
	fatal error
}

func (l *slogLogger) logf(level slog.Level, format string, v []any) {
	if !l.log.Enabled(context.Background(), level) {
		return
	}
	l.log.Log(context.Background(), level, fmt.Sprintf(format, v...))
}

func (l *slogLogger) Noticef(format string, v ...any) { l.logf(slog.LevelInfo, format, v) }
func (l *slogLogger) Warnf(format string, v ...any)   { l.logf(slog.LevelWarn, format, v) }
func (l *slogLogger) Errorf(format string, v ...any)  { l.logf(slog.LevelError, format, v) }
func (l *slogLogger) Debugf(format string, v ...any)  { l.logf(slog.LevelDebug, format, v) }
func (l *slogLogger) Tracef(format string, v ...any)  { l.logf(slog.LevelDebug-4, format, v) }

func (l *slogLogger) Fatalf(format string, v ...any) {
	l.logf(slog.LevelError, format, v)
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.fatal == nil {
		l.fatal = fmt.Errorf(format, v...)
	}
}

func (l *slogLogger) fatalErr() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.fatal
}
