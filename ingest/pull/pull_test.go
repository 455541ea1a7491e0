package pull

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/ffmpeg"
	"github.com/earshot/earshot/ingest/whep"
	"github.com/earshot/earshot/internal/testutil"
)

func TestNewChoosesKind(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg")
	dir := t.TempDir()
	wav := filepath.Join(dir, "a.wav")
	out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=0.5", wav).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	tests := []struct {
		url, describe string
		wantErr       error
	}{
		{"rtmp://h/live/k", "ffmpeg:rtmp://h/live/k", nil},
		{"rtmps://h/live/k", "ffmpeg:rtmps://h/live/k", nil},
		{"rtsp://cam/1", "ffmpeg:rtsp://cam/1", nil},
		{"rtsps://cam/1", "ffmpeg:rtsps://cam/1", nil},
		{"srt://h:9000?streamid=x", "ffmpeg:srt://h:9000?xxxxx", nil},
		{"https://cdn/live/index.m3u8", "ffmpeg:https://cdn/live/index.m3u8", nil},
		{"http://cdn/live.flv", "ffmpeg:http://cdn/live.flv", nil},
		{"whep+https://media/whep/room1", "whep:https://media/whep/room1", nil},
		{"WHEP+HTTP://media/whep/room1?x=1", "whep:http://media/whep/room1", nil},
		{wav, "wav:" + wav, nil},
		{"file://" + wav, "wav:" + wav, nil},
		{"/data/show.mp4", "ffmpeg:file:/data/show.mp4", nil},
		{"file:///data/show.mp4", "ffmpeg:file:/data/show.mp4", nil},
		{"  rtmp://h/a  ", "ffmpeg:rtmp://h/a", nil},
		{"", "", ErrUnsupported},
		{"whip", "", ErrUnsupported},
		{"relative.wav", "", ErrUnsupported},
		{"ftp://h/x", "", ErrUnsupported},
		{"whep+ftp://h/x", "", ErrUnsupported},
		{"file://host/x.wav", "", ErrUnsupported},
		{"whep+http://", "", whep.ErrBadURL},
		{"rtmp:///x", "", ffmpeg.ErrBadURL},
		{"http://h/\x00", "", ffmpeg.ErrBadURL},
		{filepath.Join(dir, "missing.wav"), "", nil}, // error from wavfile
	}
	for _, tc := range tests {
		src, err := New(tc.url, Options{})
		switch {
		case tc.describe == "" && err == nil:
			t.Errorf("%q: accepted as %s", tc.url, src.Describe())
		case tc.describe == "" && tc.wantErr != nil && !errors.Is(err, tc.wantErr):
			t.Errorf("%q: got %v, want %v", tc.url, err, tc.wantErr)
		case tc.describe != "" && err != nil:
			t.Errorf("%q: %v", tc.url, err)
		case tc.describe != "" && src.Describe() != tc.describe:
			t.Errorf("%q: got %s, want %s", tc.url, src.Describe(), tc.describe)
		}
	}
}

// TestWAVRunsTwice: a supervisor may run a file source again.
func TestWAVRunsTwice(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg")
	wav := filepath.Join(t.TempDir(), "a.wav")
	if out, err := exec.Command("ffmpeg", "-nostdin", "-loglevel", "error", "-f", "lavfi", "-i", "sine=duration=0.5", wav).CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	src, err := New(wav, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		n := 0
		if err := src.Run(context.Background(), func(c ingest.Chunk) error { n += len(c.PCM); return nil }); err != nil || n != 8000 {
			t.Fatalf("run: %v, %d samples", err, n)
		}
	}
}

func FuzzNew(f *testing.F) {
	for _, s := range []string{"rtmp://h/a", "whep+https://h/w", "/x.mp4", "file:///x.wav", "srt://h:1?a=b", "-x", "whep+http://[::1]:80/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		if strings.HasSuffix(strings.ToLower(raw), ".wav") {
			return // would open files
		}
		src, err := New(raw, Options{})
		if err != nil {
			return
		}
		d := src.Describe()
		if d == "" || strings.ContainsAny(d, "\r\n") && !strings.ContainsAny(raw, "\r\n") {
			t.Fatalf("%q: describe %q", raw, d)
		}
	})
}

// TestSchemesAreTheDispatch: every scheme of the one list dispatches to its
// kind, RemoteSchemes is the list without the server's own disk, and an
// unknown scheme's error names the whole list.
func TestSchemesAreTheDispatch(t *testing.T) {
	prefix := map[Kind]string{KindFFmpeg: "ffmpeg:", KindWHEP: "whep:", KindFile: "ffmpeg:file:"}
	for _, s := range Schemes() {
		raw := s.Name + "://media.example/live/x"
		if s.Kind == KindFile {
			raw = "file:///data/show.mp4"
		}
		src, err := New(raw, Options{})
		if err != nil {
			t.Errorf("%s: %v", s.Name, err)
			continue
		}
		if !strings.HasPrefix(src.Describe(), prefix[s.Kind]) {
			t.Errorf("%s (%s): read by %s", s.Name, s.Kind, src.Describe())
		}
		if remote := slices.Contains(RemoteSchemes(), s.Name); remote == s.Local {
			t.Errorf("%s: in RemoteSchemes %v, local %v", s.Name, remote, s.Local)
		}
	}
	if slices.Contains(RemoteSchemes(), "file") {
		t.Error("RemoteSchemes lets a client make the server read its own disk")
	}
	_, err := New("gopher://x", Options{})
	for _, s := range Schemes() {
		if err == nil || !strings.Contains(err.Error(), s.Name) {
			t.Errorf("unknown scheme's error %v does not name %s", err, s.Name)
		}
	}
}
