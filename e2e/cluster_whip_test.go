package e2e

import (
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testutil"
)

// whipPublisher is a pion WHIP client sending a looped Opus tone.
type whipPublisher struct {
	pc       *webrtc.PeerConnection
	track    *webrtc.TrackLocalStaticSample
	conn     net.PacketConn
	offer    string   // the complete offer, made once
	session  string   // the session resource's URL
	statuses []int    // every answer of the last publish, redirects first
	hops     []string // the endpoints it was sent to
	stop     context.CancelFunc
	done     chan struct{}
	mu       sync.Mutex
	ended    time.Time // when the server ended the session, as the publisher saw it
}

func newWHIPPublisher(t *testing.T) *whipPublisher {
	t.Helper()
	peer := testaudio.NewOpusPeer(t)
	p := &whipPublisher{pc: peer.PC, track: peer.Track, conn: peer.Conn, done: make(chan struct{})}
	end := func() {
		p.mu.Lock()
		if p.ended.IsZero() {
			p.ended = time.Now()
		}
		p.mu.Unlock()
	}
	p.pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateDisconnected || st == webrtc.PeerConnectionStateFailed || st == webrtc.PeerConnectionStateClosed {
			end()
		}
	})
	p.pc.SCTP().Transport().OnStateChange(func(st webrtc.DTLSTransportState) {
		if st == webrtc.DTLSTransportStateClosed || st == webrtc.DTLSTransportStateFailed {
			end()
		}
	})
	t.Cleanup(p.close)
	return p
}

func (p *whipPublisher) close() {
	if p.stop != nil {
		p.stop()
		<-p.done
	}
	_ = p.pc.Close()
	_ = p.conn.Close()
}

// publish sends the offer to endpoint, following 307s by hand (each
// answer recorded), sets the answer and starts sending the tone.
func (p *whipPublisher) publish(t *testing.T, endpoint, token string, pkts []media.Sample) {
	t.Helper()
	if code, body := p.try(t, endpoint, token, pkts); code != http.StatusCreated {
		t.Fatalf("POST %v: %d %s", p.hops, code, body)
	}
}

// try is publish, returning the last answer instead of failing on one
// that is not 201 (a 503 to retry).
func (p *whipPublisher) try(t *testing.T, endpoint, token string, pkts []media.Sample) (int, string) {
	t.Helper()
	if p.offer == "" {
		off, err := p.pc.CreateOffer(nil)
		if err != nil {
			t.Fatal(err)
		}
		gathered := webrtc.GatheringCompletePromise(p.pc)
		if err := p.pc.SetLocalDescription(off); err != nil {
			t.Fatal(err)
		}
		<-gathered
		p.offer = p.pc.LocalDescription().SDP
	}
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	p.statuses, p.hops = nil, nil
	for range 3 {
		p.hops = append(p.hops, endpoint)
		req, _ := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(p.offer))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/sdp")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		p.statuses = append(p.statuses, resp.StatusCode)
		if resp.StatusCode == http.StatusTemporaryRedirect {
			endpoint = resp.Header.Get("Location")
			continue
		}
		if resp.StatusCode != http.StatusCreated {
			return resp.StatusCode, string(body)
		}
		loc, err := resp.Request.URL.Parse(resp.Header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		p.session = loc.String()
		if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: string(body)}); err != nil {
			t.Fatal(err)
		}
		ctx, stop := context.WithCancel(context.Background())
		p.stop = stop
		go p.send(ctx, pkts)
		return resp.StatusCode, ""
	}
	t.Fatalf("POST: more than two redirects: %v via %v", p.statuses, p.hops)
	return 0, ""
}

// send loops the packets in real time until ctx ends.
func (p *whipPublisher) send(ctx context.Context, pkts []media.Sample) {
	defer close(p.done)
	for {
		for _, s := range pkts {
			if p.track.WriteSample(s) != nil {
				return
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(s.Duration):
			}
		}
	}
}

// hangUp ends the session with a DELETE on its resource (RFC 9725 4.2).
func (p *whipPublisher) hangUp(t *testing.T, token string) {
	t.Helper()
	if code, body := testutil.Do(t, http.MethodDelete, p.session, token, ""); code != http.StatusOK {
		t.Fatalf("DELETE %s: %d %s", p.session, code, body)
	}
}

// TestClusterWHIPClaim: two ingest worker processes; WHIP publishers
// (pion) reach either. The first publisher of a room nobody owns takes the
// room's claim on the worker it reached (shown in cluster status and in the
// room's status there); a publisher reaching the other worker is
// redirected (307) to the owner and replaces the first there; once the
// last publisher hangs up the claim is released and the next publisher
// owns the room where it arrives. Sampled all along, the room is never
// live on both workers at once.
func TestClusterWHIPClaim(t *testing.T) {
	h := startIngestHub(t)
	a, b := h.worker(t, "whip-a", ""), h.worker(t, "whip-b", "")
	const room = "whip-claim-1"
	token := mint(t, h.Service, api.RoleAnchor, room)
	pkts := testaudio.OggPackets(t, "../ingest/whip/testdata/tone440.ogg")
	ctx := context.Background()
	roomOn := func(n *node) api.RoomStatus { st, _ := n.api.Room(ctx, room); return st }

	// The sampler reads the worker a publisher may move to first: a room
	// seen live there was given up by the other before.
	var mu sync.Mutex
	var both []string
	receiver := b
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			select {
			case <-stop:
				return
			case <-time.After(50 * time.Millisecond):
			}
			mu.Lock()
			first, second := receiver, a
			if receiver == a {
				second = b
			}
			mu.Unlock()
			if roomOn(first).State == "live" && roomOn(second).State == "live" {
				mu.Lock()
				both = append(both, time.Now().Format(time.StampMilli))
				mu.Unlock()
			}
		}
	}()
	endpoint := func(n *node) string { return "http://" + n.addr + "/whip/" + room }
	owned := func(n *node, other *node) func() bool {
		return func() bool {
			st := roomOn(n)
			return st.State == "live" && st.Owner != "" && roomOn(other).State != "live" &&
				slices.Contains(roomsOf(h.status(t), n.addr), room)
		}
	}

	p1 := newWHIPPublisher(t)
	p1.publish(t, endpoint(a), token, pkts)
	if !slices.Equal(p1.statuses, []int{http.StatusCreated}) {
		t.Fatalf("the first publisher, on whip-a: answers %v, want 201 there", p1.statuses)
	}
	testutil.WaitFor(t, 30*time.Second, "the room live on whip-a, its claim whip-a's in cluster status and room status", owned(a, b))
	first := roomOn(a)
	t.Logf("whip-a owns %s: owner %q, session %s", room, first.Owner, first.Session)

	p2 := newWHIPPublisher(t)
	p2.publish(t, endpoint(b), token, pkts)
	if !slices.Equal(p2.statuses, []int{http.StatusTemporaryRedirect, http.StatusCreated}) || p2.hops[1] != endpoint(a) {
		t.Fatalf("a publisher reaching whip-b: answers %v via %v, want 307 to %s then 201", p2.statuses, p2.hops, endpoint(a))
	}
	testutil.WaitFor(t, 30*time.Second, "the second publisher replacing the first on whip-a", func() bool {
		st := roomOn(a)
		return st.State == "live" && st.Session != first.Session && st.Sessions > first.Sessions
	})
	if st := roomOn(b); st.Sessions != 0 {
		t.Errorf("whip-b ran %d sessions of the room, want none", st.Sessions)
	}

	p2.hangUp(t, token)
	testutil.WaitFor(t, 30*time.Second, "the claim released when the last publisher hung up", func() bool {
		return roomOn(a).State != "live" && !slices.Contains(roomsOf(h.status(t), a.addr), room)
	})
	mu.Lock()
	receiver = b
	mu.Unlock()
	p3 := newWHIPPublisher(t)
	p3.publish(t, endpoint(b), token, pkts)
	if !slices.Equal(p3.statuses, []int{http.StatusCreated}) {
		t.Fatalf("a publisher on whip-b once the room is free: answers %v, want 201 there", p3.statuses)
	}
	testutil.WaitFor(t, 30*time.Second, "the room live on whip-b, its claim whip-b's", owned(b, a))
	p4 := newWHIPPublisher(t)
	p4.publish(t, endpoint(a), token, pkts)
	if !slices.Equal(p4.statuses, []int{http.StatusTemporaryRedirect, http.StatusCreated}) || p4.hops[1] != endpoint(b) {
		t.Fatalf("a publisher reaching whip-a now: answers %v via %v, want 307 to %s", p4.statuses, p4.hops, endpoint(b))
	}
	testutil.WaitFor(t, 30*time.Second, "the fourth publisher live on whip-b, its packets heard", func() bool {
		st := roomOn(b)
		return st.State == "live" && st.Sessions >= 2 && st.SourceStats != nil && st.SourceStats.Packets > 0
	})
	// A node without the ingest role never ingests a publisher: it sends
	// it to the owner, or to the least loaded worker for a room nobody owns.
	p5 := newWHIPPublisher(t)
	p5.publish(t, "http://"+h.HTTPAddr()+"/whip/"+room, token, pkts)
	if !slices.Equal(p5.statuses, []int{http.StatusTemporaryRedirect, http.StatusCreated}) || p5.hops[1] != endpoint(b) {
		t.Errorf("a publisher reaching the api node: answers %v via %v, want 307 to the owner %s", p5.statuses, p5.hops, endpoint(b))
	}
	const free = "whip-claim-2"
	p6 := newWHIPPublisher(t)
	p6.publish(t, "http://"+h.HTTPAddr()+"/whip/"+free, mint(t, h.Service, api.RoleAnchor, free), pkts)
	if len(p6.statuses) != 2 || p6.statuses[0] != http.StatusTemporaryRedirect || p6.hops[1] != "http://"+a.addr+"/whip/"+free {
		t.Errorf("a publisher of a free room reaching the api node: answers %v via %v, want 307 to the least loaded worker, whip-a", p6.statuses, p6.hops)
	}
	if st, err := apiClient(t, h.Service).Room(ctx, free); err == nil && st.Sessions > 0 {
		t.Errorf("the api node ran a session of %s", free)
	}
	close(stop)
	<-sampled
	if len(both) > 0 {
		t.Errorf("the room was live on both workers at %v", both)
	}
	if st := roomOn(a); st.State == "live" {
		t.Errorf("the room is live on whip-a too: %+v", st)
	}
}

// endedAt is when the publisher saw its session end (zero: not yet).
func (p *whipPublisher) endedAt() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.ended
}
