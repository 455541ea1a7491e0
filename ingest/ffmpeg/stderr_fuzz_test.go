package ffmpeg

import (
	"context"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

// FuzzStderr writes arbitrary stderr output to the tail in arbitrary
// pieces and turns it into Run's error as outcome does: the tail stays
// bounded, nothing panics, a failure to connect before any audio is the
// bare neutral error, and the URL's password and query never show.
func FuzzStderr(f *testing.F) {
	const raw = "rtmp://user:secret@media.example.com/live/key?token=hush"
	f.Add([]byte("[tcp @ 0x55d6c0] Connection to tcp://media.example.com:1935 failed: Connection refused\n"), uint8(7), false, uint16(0))
	f.Add([]byte(raw+": Server returned 404 Not Found\r\n"), uint8(3), false, uint16(0))
	f.Add([]byte("Stream map '0:a:0' matches no streams.\n"+raw+": Input/output error"), uint8(1), true, uint16(500))
	f.Add([]byte("[rtmp @ 0x1] Cannot read RTMP handshake response\n"+strings.Repeat("x", 2000)+"\n"), uint8(200), false, uint16(0))
	f.Add([]byte("timed out\n\n\r\r\n"), uint8(0), true, uint16(0))
	f.Fuzz(func(t *testing.T, out []byte, piece uint8, exited bool, heardMs uint16) {
		s, err := New(raw, Options{Logger: testutil.Quiet()})
		if err != nil {
			t.Fatal(err)
		}
		r := &run{input: "rtmp://user:secret@192.0.2.7/live/key?token=hush"}
		st := &tail{onLine: func(l string) { _ = s.scrub(r, l) }}
		step := int(piece)%64 + 1
		for i := 0; i < len(out); i += step {
			if n, err := st.Write(out[i:min(i+step, len(out))]); err != nil || n != min(step, len(out)-i) {
				t.Fatalf("Write: %d, %v", n, err)
			}
		}
		lines := st.Lines()
		if len(lines) > tailLines {
			t.Fatalf("%d lines kept", len(lines))
		}
		for _, l := range lines {
			if len(l) > maxLineSize || l == "" {
				t.Fatalf("kept line of %d bytes", len(l))
			}
		}
		var waitErr error
		if exited {
			waitErr = &exec.ExitError{}
		}
		heard := time.Duration(heardMs) * time.Millisecond
		got := s.outcome(context.Background(), r, nil, waitErr, lines, heard)
		if got == nil {
			if exited || heard == 0 {
				t.Fatalf("no error for exit=%v heard=%v", exited, heard)
			}
			return
		}
		if msg := got.Error(); strings.Contains(msg, "secret") || strings.Contains(msg, "hush") {
			t.Fatalf("credentials in %q", msg)
		}
		line, kind := classify(lines)
		if exited && heard == 0 && kind != nil && connectLevel(kind, s.scrub(r, line)) && got != ErrUnreachable {
			t.Fatalf("connect failure %q reads %q, want the bare neutral error", line, got)
		}
		if !errors.Is(got, ErrUnreachable) && !errors.Is(got, ErrFFmpeg) && kind == nil && exited {
			t.Fatalf("unclassified failure %v", got)
		}
	})
}
