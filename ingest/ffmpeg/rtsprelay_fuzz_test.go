package ffmpeg

import (
	"bytes"
	"errors"
	"testing"
)

// FuzzRTSPFilter: whatever an RTSP server sends, the relay's filter
// passes on a prefix of it (never bytes of its own), never panics, and
// passes no redirect.
func FuzzRTSPFilter(f *testing.F) {
	f.Add([]byte("RTSP/1.0 200 OK\r\nCSeq: 1\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n"))
	f.Add([]byte("RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: 5\r\n\r\nv=0\r\n$\x00\x00\x02ab"))
	f.Add([]byte("RTSP/1.0 302 Moved\r\nCSeq: 2\r\nLocation: rtsp://127.0.0.1/x\r\n\r\n"))
	f.Add([]byte("$\x01\xff\xffshort"))
	f.Add([]byte("RTSP/1.0 200 OK\r\nContent-Length: 99999999\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		err := (&rtspRelay{}).filter(&out, bytes.NewReader(in))
		if !bytes.HasPrefix(in, out.Bytes()) {
			t.Fatalf("passed on %q, not a prefix of the input", out.Bytes())
		}
		if err != nil && !errors.Is(err, ErrRefused) {
			t.Fatalf("filter: %v", err)
		}
		// A first reply that ffmpeg would read as 3xx is never passed on.
		if first, _, _ := bytes.Cut(in, []byte("\n")); len(in) > 0 && in[0] != '$' {
			if code := replyCode(bytes.ReplaceAll(first, []byte("\r"), nil)); code >= 300 && code < 400 && out.Len() > 0 {
				t.Fatalf("a %d reply was passed on: %q", code, out.Bytes())
			}
		}
	})
}

// TestRTSPFilterRefusesRedirects: every form of 3xx that ffmpeg reads as a
// redirect is cut before its Location reaches ffmpeg; other replies and
// interleaved frames pass whole and in order.
func TestRTSPFilterRefusesRedirects(t *testing.T) {
	ok := "RTSP/1.0 200 OK\r\nCSeq: 1\r\n\r\n"
	for _, in := range []string{
		"RTSP/1.0 302 Moved\r\nLocation: rtsp://127.0.0.1/\r\n\r\n",
		"RTSP/1.0 302x Moved\r\nLocation: rtsp://127.0.0.1/\r\n\r\n",
		"RTSP/1.0\t+301\r\nLocation: rtsp://127.0.0.1/\r\n\r\n",
		"HTTP/1.1 307 Temporary\nLocation: rtsp://127.0.0.1/\n\n",
		ok + "$\x00\x00\x02ab" + "RTSP/1.0 303 See Other\r\nLocation: rtsp://127.0.0.1/\r\n\r\n",
		ok + "RTSP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nabcd" + "RTSP/1.0 305 Use Proxy\r\nLocation: rtsp://127.0.0.1/\r\n\r\n",
	} {
		var out bytes.Buffer
		err := (&rtspRelay{}).filter(&out, bytes.NewReader([]byte(in)))
		if !errors.Is(err, ErrRefused) || bytes.Contains(out.Bytes(), []byte("Location")) {
			t.Errorf("%q: passed %q, %v", in, out.Bytes(), err)
		}
	}
	in := ok + "$\x01\x00\x03xyz" + "RTSP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nv=0$\x00\x00\x00"
	var out bytes.Buffer
	if err := (&rtspRelay{}).filter(&out, bytes.NewReader([]byte(in))); err != nil || out.String() != in {
		t.Errorf("passed %q, %v; want all of %q", out.Bytes(), err, in)
	}
}
