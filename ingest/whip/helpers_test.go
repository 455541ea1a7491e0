package whip

import (
	"context"
	"errors"
	"io"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

const testToken = "s3cret"

// checkLeaks fails the test if goroutines outlive it (with tolerance for
// runtime helpers).
func checkLeaks(t testing.TB) { t.Cleanup(testutil.LeakCheck(t, 3)) }

type testServer struct {
	*Server
	URL      string
	sessions chan *Session
}

func bearerAuth(r *http.Request, _ string) error {
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		return errors.New("bad token")
	}
	return nil
}

// newTestServer starts a WHIP server on loopback with short ICE timeouts.
func newTestServer(t testing.TB, mod func(*Config)) *testServer {
	ts := &testServer{sessions: make(chan *Session, 256)}
	cfg := Config{
		Authorize:           bearerAuth,
		OnSession:           func(_ string, s *Session) { ts.sessions <- s },
		AllowOrigin:         "*",
		UDPAddr:             "127.0.0.1:0",
		Logger:              testutil.Quiet(),
		DisconnectedTimeout: time.Second, FailedTimeout: 2 * time.Second,
		KeepaliveInterval: 250 * time.Millisecond,
	}
	if mod != nil {
		mod(&cfg)
	}
	srv, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/whip/", srv)
	hs := httptest.NewServer(mux)
	t.Cleanup(func() {
		hs.Close()
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	ts.Server, ts.URL = srv, hs.URL
	return ts
}

func (ts *testServer) nextSession(t testing.TB) *Session {
	select {
	case s := <-ts.sessions:
		return s
	case <-time.After(10 * time.Second):
		t.Fatal("no session handed to OnSession")
		return nil
	}
}

// client is a pion publisher; conn is its only UDP socket, so closing it
// makes the peer vanish without a goodbye.
type client struct {
	pc       *webrtc.PeerConnection
	track    *webrtc.TrackLocalStaticSample
	conn     net.PacketConn
	location string
}

func newClient(t testing.TB) *client {
	peer := testaudio.NewOpusPeer(t)
	c := &client{pc: peer.PC, track: peer.Track, conn: peer.Conn}
	t.Cleanup(c.close)
	return c
}

func (c *client) close() {
	_ = c.pc.Close()
	_ = c.conn.Close()
}

// offer returns the client's complete (non-trickle) offer.
func (c *client) offer(t testing.TB) string {
	off, err := c.pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	done := webrtc.GatheringCompletePromise(c.pc)
	if err := c.pc.SetLocalDescription(off); err != nil {
		t.Fatal(err)
	}
	<-done
	return c.pc.LocalDescription().SDP
}

// publish runs the WHIP handshake and sets the answer.
func (c *client) publish(t testing.TB, url string) {
	resp := post(t, url, testToken, "application/sdp", c.offer(t))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("POST: %d %s", resp.StatusCode, body)
	}
	c.location = resp.Header.Get("Location")
	err := c.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)})
	if err != nil {
		t.Fatal(err)
	}
}

func post(t testing.TB, url, token, ctype, body string) *http.Response {
	t.Helper()
	return testutil.Send(t, http.MethodPost, url, token, strings.NewReader(body), http.Header{"Content-Type": {ctype}})
}

// send paces packets in real time (speed 1) or faster, until ctx ends.
func (c *client) send(ctx context.Context, pkts []media.Sample, speed float64) error {
	for _, p := range pkts {
		if err := c.track.WriteSample(p); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(float64(p.Duration) / speed)):
		}
	}
	return nil
}

// collector gathers emitted chunks and checks offsets are contiguous.
type collector struct {
	mu     sync.Mutex
	pcm    []int16
	chunks int
	gaps   int
	first  time.Duration
}

func (c *collector) emit(ch ingest.Chunk) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.chunks == 0 {
		c.first = ch.Offset
	} else if want := c.first + time.Duration(len(c.pcm))*time.Second/ingest.SampleRate; absDur(ch.Offset-want) > time.Millisecond {
		c.gaps++
	}
	c.chunks++
	c.pcm = append(c.pcm, ch.PCM...)
	return nil
}

func (c *collector) samples() []int16 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]int16(nil), c.pcm...)
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func rms(x []int16) float64 {
	var e float64
	for _, v := range x {
		e += float64(v) * float64(v)
	}
	return math.Sqrt(e / float64(max(len(x), 1)))
}
