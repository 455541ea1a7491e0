package whep

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"
)

// session is one WHEP session: a peer connection and its resource URL.
type session struct {
	src      *Source
	pc       *webrtc.PeerConnection
	resource string       // Location of the session, "" if the server sent none
	peer     []netip.Addr // the endpoint's checked addresses

	rx      *webrtcaudio.Receiver
	track   atomic.Bool   // an audio track is being read
	audio   chan struct{} // closed at the first audio packet
	ended   chan struct{} // closed when the server ended the stream
	failed  chan struct{} // closed when ICE/DTLS failed
	once    [3]sync.Once
	mu      sync.Mutex // guards stopped and readers.Add
	stopped bool
	readers sync.WaitGroup
}

// start builds the peer connection, runs offer/answer and returns a
// session receiving audio. On error nothing is left running.
func (s *Source) start(ctx context.Context) (*session, error) {
	peer, err := s.checkEndpoint(ctx)
	if err != nil {
		return nil, err
	}
	pc, _, err := s.opts.Client.api.NewRecvOnly(s.opts.ICEServers)
	if err != nil {
		return nil, err
	}
	sess := &session{src: s, pc: pc, peer: peer,
		audio: make(chan struct{}), ended: make(chan struct{}), failed: make(chan struct{})}
	sess.rx = webrtcaudio.NewReceiver(s.opts.QueueChunks, &s.stats, s.log)
	sess.rx.OnPacket = func() { sess.close(2) }
	if err := sess.negotiate(ctx); err != nil {
		sess.stop()
		return nil, err
	}
	return sess, nil
}

func (sess *session) negotiate(ctx context.Context) error {
	pc := sess.pc
	pc.OnTrack(sess.onTrack)
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		switch st {
		case webrtc.PeerConnectionStateFailed:
			sess.close(1)
		case webrtc.PeerConnectionStateClosed:
			sess.close(0)
		}
	})
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		return fmt.Errorf("create offer: %w", err)
	}
	if err := webrtcaudio.SetLocalAndGather(ctx, pc, offer, 0); err != nil {
		return err
	}
	answer, err := sess.post(ctx, pc.LocalDescription().SDP)
	if err != nil {
		return err
	}
	if answer, err = sess.src.filterCandidates(answer, sess.peer); err != nil {
		return err
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: answer}); err != nil {
		return fmt.Errorf("%w: %v", ErrBadAnswer, err)
	}
	return nil
}

// post sends the offer and returns the checked answer; it records the
// session resource for DELETE.
func (sess *session) post(ctx context.Context, offer string) (string, error) {
	s := sess.src
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpoint.String(), strings.NewReader(offer))
	if err != nil {
		return "", fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/sdp")
	s.authorize(req)
	resp, err := s.opts.HTTPClient.Do(req)
	if err != nil {
		return "", s.httpErr("POST offer", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return "", s.httpErr("read answer", err)
	}
	if loc := resp.Header.Get("Location"); loc != "" {
		if ref, err := url.Parse(loc); err == nil {
			sess.resource = s.endpoint.ResolveReference(ref).String()
		}
	}
	if resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("%w: %s: %s", ErrRejected, resp.Status, snippet(body))
	}
	if ct, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); ct != "application/sdp" {
		return "", fmt.Errorf("%w: Content-Type %q, want application/sdp", ErrBadAnswer, resp.Header.Get("Content-Type"))
	}
	if len(body) > maxAnswer {
		return "", fmt.Errorf("%w: larger than %d bytes", ErrBadAnswer, maxAnswer)
	}
	if err := checkAnswer(body); err != nil {
		return "", err
	}
	return string(body), nil
}

// checkAnswer requires an SDP with an accepted audio section offering Opus.
func checkAnswer(body []byte) error {
	var d sdp.SessionDescription
	if err := d.UnmarshalString(string(body)); err != nil {
		return fmt.Errorf("%w: not SDP: %v", ErrBadAnswer, err)
	}
	for _, m := range d.MediaDescriptions {
		if m.MediaName.Media != "audio" || m.MediaName.Port.Value == 0 {
			continue
		}
		for _, a := range m.Attributes {
			if a.Key == "rtpmap" && strings.Contains(strings.ToLower(a.Value), "opus/48000") {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: no accepted audio section with Opus", ErrBadAnswer)
}

func (s *Source) authorize(req *http.Request) {
	if s.opts.Token != "" {
		req.Header.Set("Authorization", "Bearer "+s.opts.Token)
	}
}

// deliver emits queued audio until the stream ends or fails.
func (sess *session) deliver(ctx context.Context, emit ingest.Emit, audioTimeout time.Duration) error {
	first := time.NewTimer(audioTimeout)
	defer first.Stop()
	audio := sess.audio
	for {
		select {
		case it := <-sess.rx.C():
			if err := emit(it.Chunk); err != nil {
				return fmt.Errorf("emit: %w", err)
			}
		case <-audio:
			first.Stop()
			audio = nil
		case <-first.C:
			return fmt.Errorf("%w within %v", ErrNoAudio, audioTimeout)
		case <-sess.failed:
			return ErrICEFailed
		case <-sess.ended:
			select {
			case <-sess.audio:
				return sess.drain(emit)
			default:
				return fmt.Errorf("%w: the server ended the session before sending any", ErrNoAudio)
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (sess *session) drain(emit ingest.Emit) error {
	for {
		select {
		case it := <-sess.rx.C():
			if err := emit(it.Chunk); err != nil {
				return fmt.Errorf("emit: %w", err)
			}
		default:
			return nil
		}
	}
}

// stop DELETEs the resource (even if ctx ended: the server should free
// the session now, not after its ICE timeout), closes the peer connection
// and waits for the read loops.
func (sess *session) stop() {
	if sess.resource != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := sess.delete(ctx); err != nil {
			sess.src.log.Warn("whep: DELETE session", "err", err)
		}
	}
	if err := sess.pc.Close(); err != nil {
		sess.src.log.Debug("whep: close peer connection", "err", err)
	}
	sess.mu.Lock()
	sess.stopped = true
	sess.mu.Unlock()
	sess.readers.Wait()
}

func (sess *session) delete(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, sess.resource, nil)
	if err != nil {
		return err
	}
	sess.src.authorize(req)
	resp, err := sess.src.opts.HTTPClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 && resp.StatusCode != http.StatusNotFound {
		return errors.New(resp.Status)
	}
	return nil
}

// startReaders registers the track's two read loops unless stop began.
func (sess *session) startReaders() bool {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.stopped {
		return false
	}
	sess.readers.Add(2)
	return true
}

// close signals the session's end: 0 ended, 1 failed, 2 audio started.
func (sess *session) close(which int) {
	ch := [...]chan struct{}{sess.ended, sess.failed, sess.audio}[which]
	sess.once[which].Do(func() { close(ch) })
}

func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	return fmt.Sprintf("%q", s)
}
