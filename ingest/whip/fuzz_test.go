package whip

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/pion/webrtc/v4"
)

// offerSeeds are FuzzOffer's seed corpus and, with the entries under
// testdata/fuzz/FuzzOffer, the inputs TestOfferInputsFullPath posts.
func offerSeeds(t testing.TB) []string {
	good := newClient(t).offer(t)
	return []string{
		good,
		strings.ReplaceAll(good, "opus/48000", "OPUS/48000"),
		strings.ReplaceAll(good, "opus/48000", "PCMU/8000"),
		newDataOnlyOffer(t),
		"v=0\r\no=- 0 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n",
		"",
		"\x00\xff",
	}
}

// FuzzOffer feeds arbitrary bodies to what a WHIP POST does with the
// publisher's SDP before anything touches the network: the admission
// checks (authorization, media type, size, checkOffer) and, for an
// admitted offer, pion applying it and answering (answerOffer) on a peer
// connection with a fixed certificate, without sockets or ICE gathering.
// It must never panic, and every rejection must be a 4xx. (The full path,
// sessions and all, is TestOfferInputsFullPath: a few inputs a second.)
func FuzzOffer(f *testing.F) {
	srv, err := New(Config{Authorize: bearerAuth, OnSession: func(string, *Session) {}, UDPAddr: "127.0.0.1:0",
		Logger: testutil.Quiet()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = srv.Close() })
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		f.Fatal(err)
	}
	cert, err := webrtc.GenerateCertificate(key) // one for all inputs: generating one per peer connection costs more than the rest
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range offerSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		req := httptest.NewRequest(http.MethodPost, "/whip/fuzz", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/sdp")
		req.Header.Set("Authorization", "Bearer "+testToken)
		offer, err := srv.admit(httptest.NewRecorder(), req, "fuzz")
		if err == nil {
			within(t, 5*time.Second, func() { err = answerFresh(t, srv, cert, offer) })
		}
		var se *statusError
		if err != nil && (!errors.As(err, &se) || se.code < 400 || se.code >= 500) {
			t.Fatalf("body %q: %v, want nil or a 4xx", body, err)
		}
	})
}

// answerFresh runs answerOffer on a new peer connection and closes it.
func answerFresh(t *testing.T, srv *Server, cert *webrtc.Certificate, offer string) error {
	pc, _, err := srv.api.NewRecvOnlyConfig(webrtc.Configuration{Certificates: []webrtc.Certificate{*cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	_, err = answerOffer(pc, offer)
	return err
}

// TestOfferInputsFullPath posts FuzzOffer's seeds and every committed
// corpus entry to a real WHIP server: never a 5xx, and a session it
// creates closes cleanly.
func TestOfferInputsFullPath(t *testing.T) {
	ts := newTestServer(t, nil)
	bodies := offerSeeds(t)
	files, _ := filepath.Glob("testdata/fuzz/FuzzOffer/*")
	for _, name := range files {
		bodies = append(bodies, corpusString(t, name))
	}
	for _, body := range bodies {
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
	}
}

// corpusString reads the one string of a `go test fuzz v1` corpus file.
func corpusString(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	_, line, _ := strings.Cut(strings.TrimSpace(string(data)), "\n")
	quoted, ok := strings.CutPrefix(strings.TrimSuffix(line, ")"), "string(")
	s, err := strconv.Unquote(quoted)
	if !ok || err != nil {
		t.Fatalf("%s: not a one-string corpus entry: %q", name, line)
	}
	return s
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
