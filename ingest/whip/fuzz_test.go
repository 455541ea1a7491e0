package whip

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

// FuzzOffer posts arbitrary bodies to the WHIP endpoint: the handler must
// never panic and never answer 5xx to bad client input.
func FuzzOffer(f *testing.F) {
	ts := newTestServer(f, nil)
	good := newClient(f).offer(f)
	f.Add(good)
	f.Add(strings.ReplaceAll(good, "opus/48000", "OPUS/48000"))
	f.Add(strings.ReplaceAll(good, "opus/48000", "PCMU/8000"))
	f.Add(newDataOnlyOffer(f))
	f.Add("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n")
	f.Add("")
	f.Add("\x00\xff")
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/whip/fuzz", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/sdp")
		req.Header.Set("Authorization", "Bearer "+testToken)
		rec := httptest.NewRecorder()
		within(t, 20*time.Second, func() { ts.ServeHTTP(rec, req) })
		if rec.Code >= 500 {
			t.Fatalf("status %d for body %q: %s", rec.Code, body, rec.Body)
		}
		if rec.Code == http.StatusCreated {
			s := ts.nextSession(t)
			s.Close()
			within(t, 20*time.Second, s.wait)
		}
	})
}

// FuzzSDPFrag: trickle fragments never panic the parser.
func FuzzSDPFrag(f *testing.F) {
	f.Add("a=ice-ufrag:abcd\r\na=ice-pwd:x\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:0\r\n" +
		"a=candidate:1 1 udp 2130706431 127.0.0.1 5000 typ host\r\na=end-of-candidates\r\n")
	f.Fuzz(func(t *testing.T, body string) { _ = parseSDPFrag(body) })
}

// within fails with every goroutine's stack if f takes longer than d, so a
// hang becomes a reported crasher instead of a stalled fuzzer.
func within(t *testing.T, d time.Duration, f func()) {
	done := make(chan struct{})
	go func() { defer close(done); f() }()
	select {
	case <-done:
	case <-time.After(d):
		buf := make([]byte, 1<<20)
		t.Fatalf("hung for %v:\n%s", d, buf[:runtime.Stack(buf, true)])
	}
}

// FuzzCheckOffer is the coverage-guided fuzz of the SDP validation that
// runs before any WebRTC state exists: it must never panic, and every
// rejection must carry a 4xx status.
func FuzzCheckOffer(f *testing.F) {
	f.Add("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 OPUS/48000/2\r\n")
	f.Add("v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n")
	f.Add("garbage")
	f.Fuzz(func(t *testing.T, body string) {
		err := checkOffer(body)
		var se *statusError
		if err != nil && (!errors.As(err, &se) || se.code < 400 || se.code >= 500) {
			t.Fatalf("checkOffer(%q) = %v, want a 4xx statusError", body, err)
		}
	})
}
