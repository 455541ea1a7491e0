package ffmpeg

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseTarget(t *testing.T) {
	tests := []struct {
		in        string
		kind      kind
		input     string
		redacted  string
		wantError string
	}{
		{in: "rtmp://live.example.com/app/key", kind: kindRTMP, input: "rtmp://live.example.com/app/key", redacted: "rtmp://live.example.com/app/key"},
		{in: "RTMPS://u:secret@h:443/a?token=t", kind: kindRTMP, input: "rtmps://u:secret@h:443/a?token=t", redacted: "rtmps://u:xxxxx@h:443/a?xxxxx"},
		{in: "https://cdn/x/index.m3u8", kind: kindHTTP, input: "https://cdn/x/index.m3u8", redacted: "https://cdn/x/index.m3u8"},
		{in: "rtsp://cam/stream1", kind: kindRTSP, input: "rtsp://cam/stream1", redacted: "rtsp://cam/stream1"},
		{in: "srt://10.0.0.1:9000?streamid=r1", kind: kindSRT, input: "srt://10.0.0.1:9000?streamid=r1", redacted: "srt://10.0.0.1:9000?xxxxx"},
		{in: "/data/a b.wav", kind: kindFile, input: "file:/data/a b.wav", redacted: "file:/data/a b.wav"},
		{in: "/data/concat:x|y", kind: kindFile, input: "file:/data/concat:x|y", redacted: "file:/data/concat:x|y"},
		{in: "file:///data/../data/x.mp4", kind: kindFile, input: "file:/data/x.mp4", redacted: "file:/data/x.mp4"},
		{in: "", wantError: "empty"},
		{in: "-i", wantError: "starts with '-'"},
		{in: "concat:/a|/b", wantError: "scheme \"concat\" not supported"},
		{in: "pipe:0", wantError: "not supported"},
		{in: "ftp://h/x", wantError: "not supported"},
		{in: "rtmp:///live", wantError: "without a host"},
		{in: "http:example.com", wantError: "without a host"},
		{in: "file://other/x.wav", wantError: "with host"},
		{in: "relative/x.wav", wantError: "not supported"},
		{in: "http://h/x\nInjected: 1", wantError: "control"},
		{in: "http://h/" + strings.Repeat("a", maxURL), wantError: "longer than"},
		{in: "http://[::1", wantError: "bad source URL"},
	}
	for _, tc := range tests {
		got, err := parseTarget(tc.in)
		if tc.wantError != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantError) || !errors.Is(err, ErrBadURL) {
				t.Errorf("%q: got %v, want error containing %q", tc.in, err, tc.wantError)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if got.kind != tc.kind || got.input != tc.input || got.redacted != tc.redacted {
			t.Errorf("%q: got %+v", tc.in, got)
		}
	}
}

func TestArgsNeverLetURLBeAnOption(t *testing.T) {
	src, err := New("rtmp://h/live/x", Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := src.Args()
	i := slices.Index(a, "-i")
	if i < 0 || a[i+1] != "rtmp://h/live/x" || !slices.Contains(a, "-protocol_whitelist") {
		t.Errorf("args %q", a)
	}
}

func FuzzParseTarget(f *testing.F) {
	for _, s := range []string{"rtmp://h/a", "/x.wav", "file:///x", "srt://h:1?a=b", "-x", "http://[::1]:80/a?b#c", "rtsp://u:p@h/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		tg, err := parseTarget(raw)
		if err != nil {
			if !errors.Is(err, ErrBadURL) {
				t.Fatalf("%q: error %v does not wrap ErrBadURL", raw, err)
			}
			return
		}
		if strings.HasPrefix(tg.input, "-") || !utf8.ValidString(tg.input) {
			t.Fatalf("%q: unsafe input %q", raw, tg.input)
		}
		for _, r := range tg.input {
			if r < 0x20 || r == 0x7f {
				t.Fatalf("%q: control character in %q", raw, tg.input)
			}
		}
		if _, ok := whitelist[tg.kind]; !ok {
			t.Fatalf("%q: kind %d has no whitelist", raw, tg.kind)
		}
		if strings.Contains(tg.redacted, "secret") && strings.Contains(raw, ":secret@") {
			t.Fatalf("%q: password not redacted: %q", raw, tg.redacted)
		}
	})
}
