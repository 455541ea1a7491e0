package ffmpeg

import (
	"errors"
	"strings"
	"testing"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		lines []string
		want  error
	}{
		{[]string{"[tcp @ 0x1] Connection to tcp://h:1935 failed: Connection refused"}, ErrUnreachable},
		{[]string{"[tcp @ 0x1] Failed to resolve hostname nope: Name or service not known"}, ErrUnreachable},
		{[]string{"http://h/x: Server returned 404 Not Found"}, ErrNotFound},
		{[]string{"http://h/x: Server returned 403 Forbidden (access denied)"}, ErrUnauthorized},
		{[]string{"http://h/x: Server returned 5XX Server Error reply"}, ErrUnreachable},
		{[]string{"Stream map '0:a:0' matches no streams."}, ErrNoAudio},
		{[]string{"x: Invalid data found when processing input"}, ErrInvalidData},
		{[]string{"rtmp://h/a: Input/output error"}, ErrStreamLost},
		{[]string{"[tcp @ 0x1] Connection to tcp://h failed: Connection timed out"}, ErrTimeout},
		// The more specific cause wins over a later generic I/O line.
		{[]string{"Server returned 404 Not Found", "Input/output error"}, ErrNotFound},
		{[]string{"something new"}, nil},
	}
	for _, tc := range tests {
		if _, got := classify(tc.lines); !errors.Is(got, tc.want) || (tc.want == nil && got != nil) {
			t.Errorf("%q: got %v, want %v", tc.lines, got, tc.want)
		}
	}
	if _, lost := brokeOff([]string{"[aac @ 0x1] decode error"}); lost {
		t.Error("a decode error is not a lost stream")
	}
}

func TestTailIsBounded(t *testing.T) {
	var got []string
	tl := &tail{onLine: func(l string) { got = append(got, l) }}
	_, _ = tl.Write([]byte(strings.Repeat("x", 10000) + "\nsecond\r"))
	for i := 0; i < 100; i++ {
		_, _ = tl.Write([]byte("line\n"))
	}
	_, _ = tl.Write([]byte("last, unterminated"))
	lines := tl.Lines()
	if len(lines) != tailLines || lines[len(lines)-1] != "last, unterminated" {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
	if len(got[0]) != maxLineSize || got[1] != "second" {
		t.Errorf("first line %d bytes, second %q", len(got[0]), got[1])
	}
}
