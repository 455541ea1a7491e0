package ffmpeg

import (
	"errors"
	"strings"
	"sync"

	"github.com/earshot/earshot/ingest"
)

// Errors a Run can wrap, read from ffmpeg's stderr.
var (
	// ErrUnreachable is the one neutral error for a source that could not
	// be reached or dropped the connection before any audio: refused,
	// timed out, reset, no route, name not resolved. It carries no detail,
	// so that it cannot be used to scan ports (the detail is logged at
	// debug level).
	ErrUnreachable  = ingest.ErrUnreachable
	ErrNotFound     = errors.New("stream not found")
	ErrUnauthorized = errors.New("access refused by source")
	ErrInvalidData  = errors.New("invalid or unsupported media data")
	ErrNoAudio      = errors.New("no audio stream")
	ErrTimeout      = errors.New("source timed out")
	ErrStreamLost   = errors.New("stream lost")
	// ErrFFmpeg wraps any other ffmpeg failure.
	ErrFFmpeg = errors.New("ffmpeg failed")
)

// patterns map substrings of ffmpeg 5.x error lines to errors, first match
// wins. Order matters: "Server returned 404" must beat "Input/output".
var patterns = []struct {
	substr string
	err    error
}{
	{"matches no streams", ErrNoAudio},
	{"does not contain any stream", ErrNoAudio},
	{"Server returned 401", ErrUnauthorized},
	{"Server returned 403", ErrUnauthorized},
	{"Server returned 404", ErrNotFound},
	{"No such file or directory", ErrNotFound},
	{"Server returned", ErrUnreachable}, // other 4xx/5xx
	{"Connection refused", ErrUnreachable},
	{"No route to host", ErrUnreachable},
	{"Network is unreachable", ErrUnreachable},
	{"Name or service not known", ErrUnreachable},
	{"Failed to resolve hostname", ErrUnreachable},
	{"Temporary failure in name resolution", ErrUnreachable},
	{"timed out", ErrTimeout},
	{"Invalid data found", ErrInvalidData},
	{"Connection reset", ErrStreamLost},
	{"Broken pipe", ErrStreamLost},
	{"Input/output error", ErrStreamLost},
	{"End of file", ErrStreamLost},
}

// connectLevel reports whether a failure before any audio is about
// reaching the far end rather than what it answered: an HTTP status
// ("Server returned 503") is an answer and keeps its words.
func connectLevel(kind error, line string) bool {
	switch kind {
	case ErrTimeout, ErrStreamLost:
		return true
	case ErrUnreachable:
		return !strings.Contains(line, "Server returned")
	}
	return false
}

// lostPatterns are the lines that, even when ffmpeg exits 0, mean the input
// broke off rather than ended: ffmpeg treats a read error as end of input.
var lostPatterns = []string{"Input/output error", "Connection reset", "timed out", "Broken pipe"}

// classify returns the line of ffmpeg's stderr that explains a failure
// and the error it means; a nil error if no line matches.
func classify(lines []string) (string, error) {
	for _, p := range patterns {
		for _, l := range lines {
			if strings.Contains(l, p.substr) {
				return l, p.err
			}
		}
	}
	return "", nil
}

// brokeOff reports whether a clean exit hid a lost input.
func brokeOff(lines []string) (string, bool) {
	for _, l := range lines {
		for _, p := range lostPatterns {
			if strings.Contains(l, p) {
				return l, true
			}
		}
	}
	return "", false
}

// tail keeps the last lines ffmpeg wrote to stderr, bounded in count and
// length so a chatty ffmpeg cannot grow memory.
type tail struct {
	mu      sync.Mutex
	partial []byte
	lines   []string
	onLine  func(string)
}

const (
	tailLines   = 20
	maxLineSize = 512
)

// Write implements io.Writer for exec.Cmd.Stderr.
func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, b := range p {
		if b == '\n' || b == '\r' {
			t.flushLocked()
			continue
		}
		if len(t.partial) < maxLineSize {
			t.partial = append(t.partial, b)
		}
	}
	return len(p), nil
}

func (t *tail) flushLocked() {
	line := strings.TrimSpace(string(t.partial))
	t.partial = t.partial[:0]
	if line == "" {
		return
	}
	if t.onLine != nil {
		t.onLine(line)
	}
	t.lines = append(t.lines, line)
	if len(t.lines) > tailLines {
		t.lines = t.lines[len(t.lines)-tailLines:]
	}
}

// Lines returns the kept lines, including an unterminated last one.
func (t *tail) Lines() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.flushLocked()
	return append([]string(nil), t.lines...)
}
