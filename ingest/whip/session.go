package whip

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/ingest/internal/webrtcaudio"
	"github.com/pion/webrtc/v4"
)

// ErrICEFailed is wrapped by Run's error when the publisher's connection
// failed (ICE consent lost for FailedTimeout, or DTLS failed).
var ErrICEFailed = errors.New("whip: connection failed")

// Session is one publisher's WHIP session. It is the ingest.Source the
// room's pipeline runs: Run emits the decoded audio.
type Session struct {
	id, room, etag string
	srv            *Server
	pc             *webrtc.PeerConnection
	log            *slog.Logger
	started        time.Time

	rx      *webrtcaudio.Receiver // decodes the track; its queue waits for Run
	done    chan struct{}         // closed by end
	pcDone  chan struct{}         // closed once the peer connection is closed
	endOnce sync.Once
	endErr  error
	running atomic.Bool

	mu      sync.Mutex // guards ended and readers.Add
	ended   bool
	readers sync.WaitGroup // track and RTCP read loops
	track   atomic.Bool    // an audio track is being read

	stats webrtcaudio.Stats
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go >= 1.24)
	return hex.EncodeToString(b[:])
}

// newSession creates the peer connection and answers offer. On error
// nothing is left running.
func (s *Server) newSession(ctx context.Context, room, offer string) (*Session, string, error) {
	pc, tr, err := s.api.NewRecvOnly(s.cfg.ICEServers)
	if err != nil {
		return nil, "", fmt.Errorf("whip: %w", err)
	}
	id := newID()
	sess := &Session{
		id: id, room: room, etag: `"` + id + `"`, srv: s, pc: pc, started: time.Now(),
		log:  s.log.With("room", room, "session", id),
		done: make(chan struct{}), pcDone: make(chan struct{}),
	}
	sess.rx = webrtcaudio.NewReceiver(s.cfg.QueueChunks, &sess.stats, sess.log)
	answer, err := sess.negotiate(ctx, tr, offer, s.cfg.GatherTimeout)
	if err != nil {
		sess.end(nil, "negotiation failed")
		sess.wait()
		return nil, "", err
	}
	return sess, answer, nil
}

// answerOffer applies an admitted offer to pc and creates the answer: the
// part of negotiation that reads the publisher's SDP, with no socket and
// no gathering yet (FuzzOffer runs it on arbitrary offers). Its errors are
// client errors.
func answerOffer(pc *webrtc.PeerConnection, offer string) (webrtc.SessionDescription, error) {
	err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer})
	if err != nil {
		return webrtc.SessionDescription{}, clientError(http.StatusBadRequest, "offer rejected: %v", err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		return webrtc.SessionDescription{}, clientError(http.StatusBadRequest, "cannot answer offer: %v", err)
	}
	return answer, nil
}

// negotiate installs the handlers and runs offer/answer. The answer holds
// every server candidate (the server does not trickle; RFC 9725 Section
// 4.3.2 lets the WHIP session send all candidates in the answer).
func (sess *Session) negotiate(ctx context.Context, tr *webrtc.RTPTransceiver, offer string, gather time.Duration) (string, error) {
	pc := sess.pc
	pc.OnTrack(sess.onTrack)
	pc.OnConnectionStateChange(sess.onState)
	tr.Receiver().Transport().OnStateChange(func(st webrtc.DTLSTransportState) {
		if st == webrtc.DTLSTransportStateClosed {
			sess.end(nil, "publisher closed DTLS")
		}
	})
	answer, err := answerOffer(pc, offer)
	if err != nil {
		return "", err
	}
	if err := webrtcaudio.SetLocalAndGather(ctx, pc, answer, gather); err != nil {
		if ctx.Err() != nil {
			return "", fmt.Errorf("whip: client went away: %w", err)
		}
		return "", fmt.Errorf("whip: %w", err)
	}
	return pc.LocalDescription().SDP, nil
}

func (sess *Session) onState(st webrtc.PeerConnectionState) {
	sess.log.Debug("whip: connection state", "state", st.String())
	switch st {
	case webrtc.PeerConnectionStateConnected:
		sess.log.Info("whip: publisher connected", "after", time.Since(sess.started).Round(time.Millisecond))
	case webrtc.PeerConnectionStateFailed:
		sess.end(ErrICEFailed, "connection failed")
	case webrtc.PeerConnectionStateClosed:
		sess.end(nil, "connection closed")
	}
}

// end stops the session once: err is what Run returns (nil for a normal
// end). The peer connection is closed in the background because end runs
// inside pion callbacks.
func (sess *Session) end(err error, why string) {
	sess.endOnce.Do(func() {
		sess.mu.Lock()
		sess.ended = true
		sess.mu.Unlock()
		sess.endErr = err
		close(sess.done)
		sess.srv.forget(sess)
		sess.log.Info("whip: session ended", "why", why, "err", err)
		go func() {
			if cerr := sess.pc.GracefulClose(); cerr != nil {
				sess.log.Debug("whip: close peer connection", "err", cerr)
			}
			sess.readers.Wait()
			close(sess.pcDone)
		}()
	})
}

// wait blocks until the peer connection and its read loops are gone.
func (sess *Session) wait() { <-sess.pcDone }

// startReader registers a read loop unless the session already ended.
func (sess *Session) startReader() bool {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.ended {
		return false
	}
	sess.readers.Add(1)
	return true
}

// ID is the session's identifier, the last element of its Location URL.
func (sess *Session) ID() string { return sess.id }

// Room is the room the session publishes to.
func (sess *Session) Room() string { return sess.room }

// Describe names the source for logs and room status.
func (sess *Session) Describe() string { return "whip:" + sess.room + "/" + sess.id }

// Close ends the session as a DELETE would; Run returns nil.
func (sess *Session) Close() { sess.end(nil, "closed by server") }

// Done is closed when the session has ended, whether or not Run runs.
func (sess *Session) Done() <-chan struct{} { return sess.done }
