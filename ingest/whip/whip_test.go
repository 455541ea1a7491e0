package whip

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/pion/webrtc/v4"
)

// TestPionPublish: a pion client publishes a 3 s 440 Hz Opus file; the
// Source must emit ~3 s of contiguous 16 kHz audio that is the tone.
func TestPionPublish(t *testing.T) {
	checkLeaks(t)
	ts := newTestServer(t, nil)
	pkts := testaudio.OggPackets(t, "testdata/tone440.ogg")
	c := newClient(t)
	c.publish(t, ts.URL+"/whip/room1")
	sess := ts.nextSession(t)

	var col collector
	runErr := make(chan error, 1)
	go func() { runErr <- sess.Run(context.Background(), col.emit) }()
	if err := c.send(context.Background(), pkts, 1); err != nil {
		t.Fatal(err)
	}
	// The last packets are in flight: DELETE once they are heard.
	testutil.WaitFor(t, 5*time.Second, "the last packets heard", func() bool {
		return len(col.samples()) >= 2900*ingest.SampleRate/1000
	})
	del(t, ts.URL+c.location, http.StatusOK)
	if err := waitErr(t, runErr, 5*time.Second); err != nil {
		t.Fatalf("Run after DELETE = %v, want nil", err)
	}

	pcm := col.samples()
	got := time.Duration(len(pcm)) * time.Second / 16000
	st := sess.Stats()
	t.Logf("emitted %v in %d chunks, stats %+v", got, col.chunks, st)
	if absDur(got-3*time.Second) > 100*time.Millisecond {
		t.Errorf("duration %v, want ~3s", got)
	}
	if col.gaps != 0 || col.first != 0 {
		t.Errorf("offsets not contiguous from 0: first %v, %d gaps", col.first, col.gaps)
	}
	if f := testaudio.ToneShare(pcm[1600:len(pcm)-1600], 440); f < 0.95 {
		t.Errorf("440 Hz energy fraction %.3f, want > 0.95", f)
	}
	if r := rms(pcm[1600 : len(pcm)-1600]); r < 8000 || r > 15000 {
		t.Errorf("rms %.0f, want ~11585 (0.5 full-scale sine)", r)
	}
	// The last few packets may still be in flight when the session is
	// deleted (a loaded machine): all but 3% must have been counted.
	if st.Packets < uint64(len(pkts))*97/100 || st.DecodeErrors != 0 {
		t.Errorf("stats %+v, sent %d packets", st, len(pkts))
	}
	if ss, ok := ingest.StatsOf(sess); !ok || ss.Packets != st.Packets || ss.Bytes != st.Bytes || ss.PacketsLost != st.LostPackets {
		t.Errorf("SourceStats %+v, want the session's %+v", ss, st)
	}
}

// TestFaults: bad requests are refused with the right status and start
// nothing.
func TestFaults(t *testing.T) {
	checkLeaks(t)
	ts := newTestServer(t, func(c *Config) { c.MaxOfferBytes = 16 << 10 })
	good := newClient(t).offer(t)
	dc := newDataOnlyOffer(t)
	tests := []struct {
		name, path, token, ctype, body string
		want                           int
		msg                            string
	}{
		{"wrong token", "/whip/r", "nope", "application/sdp", good, 401, "unauthorized"},
		{"no token", "/whip/r", "", "application/sdp", good, 401, "unauthorized"},
		{"content type", "/whip/r", testToken, "text/plain", good, 415, "Content-Type"},
		{"garbage", "/whip/r", testToken, "application/sdp", "hello\r\nworld", 400, "malformed SDP"},
		{"empty", "/whip/r", testToken, "application/sdp", "", 400, "empty SDP"},
		{"no audio", "/whip/r", testToken, "application/sdp", dc, 400, "no audio m-line"},
		{"no opus", "/whip/r", testToken, "application/sdp", strings.ReplaceAll(good, "opus/48000", "PCMU/8000"), 406, "no Opus"},
		{"too big", "/whip/r", testToken, "application/sdp", good + strings.Repeat("a=x:y\r\n", 4000), 413, "larger"},
		{"bad room", "/whip/../etc", testToken, "application/sdp", good, 404, "not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp := post(t, ts.URL+tc.path, tc.token, tc.ctype, tc.body)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.want || !strings.Contains(string(body), tc.msg) {
				t.Errorf("got %d %q, want %d containing %q", resp.StatusCode, body, tc.want, tc.msg)
			}
		})
	}
	if n := len(ts.sessions); n != 0 {
		t.Errorf("%d sessions started by bad requests", n)
	}
	if _, ok := ts.Session("r"); ok {
		t.Error("room r has a session")
	}
}

// TestOptionsCORS: a browser pre-flight gets the CORS headers.
func TestOptionsCORS(t *testing.T) {
	ts := newTestServer(t, func(c *Config) { c.AllowOrigin = "https://studio.example" })
	resp := testutil.Send(t, http.MethodOptions, ts.URL+"/whip/r", "", nil, nil)
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != "https://studio.example" ||
		!strings.Contains(h.Get("Access-Control-Expose-Headers"), "Location") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") {
		t.Errorf("OPTIONS: %d %v", resp.StatusCode, h)
	}
}

// TestPeerVanishes: the publisher's socket disappears without a goodbye;
// Run must fail with ErrICEFailed within the (short) ICE timeouts.
func TestPeerVanishes(t *testing.T) {
	checkLeaks(t)
	ts := newTestServer(t, nil)
	c := newClient(t)
	connected := make(chan struct{})
	c.pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			close(connected)
		}
	})
	c.publish(t, ts.URL+"/whip/room1")
	sess := ts.nextSession(t)
	runErr := make(chan error, 1)
	var col collector
	go func() { runErr <- sess.Run(context.Background(), col.emit) }()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("client never connected")
	}
	start := time.Now()
	_ = c.conn.Close() // vanish: no DTLS close, no BYE
	err := waitErr(t, runErr, 6*time.Second)
	if !errors.Is(err, ErrICEFailed) {
		t.Fatalf("Run = %v, want ErrICEFailed", err)
	}
	t.Logf("Run returned %v after the peer vanished", time.Since(start).Round(10*time.Millisecond))
}

// TestHangup: the publisher closes its peer connection; Run returns nil.
func TestHangup(t *testing.T) {
	checkLeaks(t)
	ts := newTestServer(t, nil)
	c := newClient(t)
	c.publish(t, ts.URL+"/whip/room1")
	sess := ts.nextSession(t)
	runErr := make(chan error, 1)
	go func() { runErr <- sess.Run(context.Background(), func(ingest.Chunk) error { return nil }) }()
	pkts := testaudio.OggPackets(t, "testdata/tone440.ogg")
	if err := c.send(context.Background(), pkts[:25], 1); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_ = c.pc.Close()
	if err := waitErr(t, runErr, 5*time.Second); err != nil {
		t.Fatalf("Run after hang-up = %v, want nil", err)
	}
	t.Logf("Run returned %v after the publisher closed", time.Since(start).Round(time.Millisecond))
}

// TestReplace: a second publisher for a room replaces the first, whose Run
// returns nil; DELETE of an unknown session is 404.
func TestReplace(t *testing.T) {
	checkLeaks(t)
	ts := newTestServer(t, nil)
	a := newClient(t)
	a.publish(t, ts.URL+"/whip/room1")
	first := ts.nextSession(t)
	runErr := make(chan error, 1)
	go func() { runErr <- first.Run(context.Background(), func(ingest.Chunk) error { return nil }) }()
	b := newClient(t)
	b.publish(t, ts.URL+"/whip/room1")
	second := ts.nextSession(t)
	if err := waitErr(t, runErr, 5*time.Second); err != nil {
		t.Fatalf("replaced Run = %v, want nil", err)
	}
	if cur, _ := ts.Session("room1"); cur != second {
		t.Error("room1 is not served by the second session")
	}
	del(t, ts.URL+a.location, http.StatusNotFound)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := second.Run(ctx, func(ingest.Chunk) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Run(cancelled) = %v", err)
	}
}

func del(t testing.TB, url string, want int) {
	t.Helper()
	if code, body := testutil.Do(t, http.MethodDelete, url, "", ""); code != want {
		t.Fatalf("DELETE %s: %d %s, want %d", url, code, body, want)
	}
}

func waitErr(t testing.TB, ch <-chan error, d time.Duration) error {
	select {
	case err := <-ch:
		return err
	case <-time.After(d):
		t.Fatalf("Run did not return within %v", d)
		return nil
	}
}

func newDataOnlyOffer(t testing.TB) string {
	pc, err := webrtc.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	if _, err := pc.CreateDataChannel("x", nil); err != nil {
		t.Fatal(err)
	}
	off, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	return off.SDP
}
