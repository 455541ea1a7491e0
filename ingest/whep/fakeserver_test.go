package whep

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testaudio"
	"github.com/pion/ice/v4"
	"github.com/pion/webrtc/v4"
	"github.com/pion/webrtc/v4/pkg/media"
)

// fakeWHEPServer is a FAKE WHEP media server (no real one can be installed
// here): a pion peer that answers a WHEP offer and sends an Opus file in
// real time, then hangs up. Its answer can be replaced to test faults.
type fakeWHEPServer struct {
	t       *testing.T
	packets []media.Sample
	token   string
	// answer, if set, replaces the whole POST response.
	answer func(w http.ResponseWriter, offer string) bool

	mu      sync.Mutex
	pcs     map[string]*webrtc.PeerConnection
	deletes atomic.Int32
	wg      sync.WaitGroup
}

func newFake(t *testing.T) *fakeWHEPServer {
	f := &fakeWHEPServer{t: t, packets: testaudio.OggPackets(t, "../whip/testdata/tone440.ogg"), pcs: map[string]*webrtc.PeerConnection{}}
	t.Cleanup(f.closeAll)
	return f
}

func (f *fakeWHEPServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.token != "" && r.Header.Get("Authorization") != "Bearer "+f.token {
		http.Error(w, "bad token", http.StatusUnauthorized)
		return
	}
	switch r.Method {
	case http.MethodDelete:
		f.deletes.Add(1)
		f.mu.Lock()
		pc := f.pcs[r.URL.Path]
		f.mu.Unlock()
		if pc == nil {
			http.NotFound(w, r)
			return
		}
		_ = pc.Close()
	case http.MethodPost:
		offer, _ := io.ReadAll(r.Body)
		if f.answer != nil && f.answer(w, string(offer)) {
			return
		}
		f.post(w, string(offer))
	default:
		http.Error(w, "method", http.StatusMethodNotAllowed)
	}
}

func (f *fakeWHEPServer) post(w http.ResponseWriter, offer string) {
	se := webrtc.SettingEngine{}
	se.SetIncludeLoopbackCandidate(true)
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	me := &webrtc.MediaEngine{}
	_ = me.RegisterDefaultCodecs()
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	track, _ := webrtc.NewTrackLocalStaticSample(webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2}, "audio", "fake")
	if _, err := pc.AddTrack(track); err != nil {
		http.Error(w, err.Error(), 500)
		return
	}
	if err := pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: offer}); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	answer, _ := pc.CreateAnswer(nil)
	gathered := webrtc.GatheringCompletePromise(pc)
	_ = pc.SetLocalDescription(answer)
	<-gathered
	id := fmt.Sprintf("/whep/session/%d", time.Now().UnixNano())
	f.mu.Lock()
	f.pcs[id] = pc
	f.mu.Unlock()
	connected := make(chan struct{})
	var once sync.Once
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(connected) })
		}
	})
	f.wg.Add(1)
	go func() {
		defer f.wg.Done()
		select {
		case <-connected:
		case <-time.After(10 * time.Second):
			return
		}
		for _, p := range f.packets {
			if err := track.WriteSample(p); err != nil {
				return
			}
			time.Sleep(p.Duration) // pacing, not waiting: a live server sends in real time
		}
		_ = pc.Close() // the stream is over
	}()
	w.Header().Set("Content-Type", "application/sdp")
	w.Header().Set("Location", id)
	w.WriteHeader(http.StatusCreated)
	_, _ = io.WriteString(w, pc.LocalDescription().SDP)
}

func (f *fakeWHEPServer) closeAll() {
	f.mu.Lock()
	for _, pc := range f.pcs {
		_ = pc.Close()
	}
	f.mu.Unlock()
	f.wg.Wait()
}
