package webrtcaudio

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/webrtc/v4"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testutil"
)

// sender is a plain pion peer (no interceptors, so nothing is ever
// retransmitted) that writes RTP packets as given: the test decides which
// sequence numbers never leave.
type sender struct {
	pc        *webrtc.PeerConnection
	track     *webrtc.TrackLocalStaticRTP
	connected chan struct{} // closed once DTLS is up: RTP written earlier is lost
}

func newSender(t *testing.T) *sender {
	t.Helper()
	se := webrtc.SettingEngine{LoggerFactory: LoggerFactory(testutil.Quiet())}
	se.SetIncludeLoopbackCandidate(true)
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	me := &webrtc.MediaEngine{}
	if err := me.RegisterCodec(opus, webrtc.RTPCodecTypeAudio); err != nil {
		t.Fatal(err)
	}
	pc, err := webrtc.NewAPI(webrtc.WithSettingEngine(se), webrtc.WithMediaEngine(me)).NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = pc.Close() })
	track, err := webrtc.NewTrackLocalStaticRTP(opus.RTPCodecCapability, "audio", "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTrack(track); err != nil {
		t.Fatal(err)
	}
	s := &sender{pc: pc, track: track, connected: make(chan struct{})}
	var once sync.Once
	pc.OnConnectionStateChange(func(st webrtc.PeerConnectionState) {
		if st == webrtc.PeerConnectionStateConnected {
			once.Do(func() { close(s.connected) })
		}
	})
	return s
}

// connect runs offer/answer between the sender and a receive-only peer of
// api whose audio track goes to onTrack.
func connect(t *testing.T, api *API, s *sender, onTrack func(*webrtc.TrackRemote, *webrtc.RTPReceiver)) *webrtc.PeerConnection {
	t.Helper()
	pc, _, err := api.NewRecvOnly(nil)
	if err != nil {
		t.Fatal(err)
	}
	pc.OnTrack(onTrack)
	offer, err := s.pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := SetLocalAndGather(ctx, s.pc, offer, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := pc.SetRemoteDescription(*s.pc.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	answer, err := pc.CreateAnswer(nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := SetLocalAndGather(ctx, pc, answer, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := s.pc.SetRemoteDescription(*pc.LocalDescription()); err != nil {
		t.Fatal(err)
	}
	return pc
}

// TestReceiveCountsLossOverSessions: two sessions in turn, over real pion
// peers on loopback, write into one Stats (as a WHEP source's Runs do).
// Every sequence number the sender skipped counts as lost, its 20 ms as
// concealed, and the audio keeps its timing.
func TestReceiveCountsLossOverSessions(t *testing.T) {
	settled := testutil.LeakCheck(t, 3)
	pkts := testaudio.OggPackets(t, "../../whip/testdata/tone440.ogg")[:100]
	api, err := NewAPI(Config{LoopbackCandidates: true, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	var stats Stats
	// 8 of 100 never sent. The reorder buffer declares a packet lost once
	// 200 ms of later media arrived, so the last gap leaves room for that.
	skip := func(i int) bool { return i%10 == 5 && i < 80 }
	for session := 1; session <= 2; session++ {
		s := newSender(t)
		rx := NewReceiver(500, &stats, testutil.Quiet())
		var wg sync.WaitGroup
		pc := connect(t, api, s, func(track *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
			if !IsOpusAudio(track) {
				t.Errorf("track %s %s not taken as Opus audio", track.Kind(), track.Codec().MimeType)
				return
			}
			wg.Add(2)
			go func() { defer wg.Done(); ReadRTCP(recv) }()
			defer wg.Done()
			_ = rx.Run(track)
		})
		var heard time.Duration
		var got sync.Mutex
		done := make(chan struct{})
		go func() {
			defer close(done)
			for it := range rx.C() {
				got.Lock()
				heard = it.Chunk.End()
				got.Unlock()
			}
		}()
		select {
		case <-s.connected:
		case <-time.After(10 * time.Second):
			t.Fatal("sender never connected")
		}
		before := stats.Source().Packets
		for i, p := range pkts {
			if skip(i) {
				continue
			}
			pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: uint16(1000 + i),
				Timestamp: uint32(960 * i), SSRC: 42}, Payload: p.Data}
			if err := s.track.WriteRTP(pkt); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // pacing, not waiting: loopback UDP buffers are finite
		}
		testutil.WaitFor(t, 15*time.Second, "92 packets received", func() bool { return stats.Source().Packets-before >= 92 })
		testutil.WaitFor(t, 15*time.Second, "the last gap counted", func() bool { return stats.Source().PacketsLost == uint64(8*session) })
		_ = pc.Close()
		wg.Wait()
		close(rx.queue) // the read loops are gone: nothing writes any more
		<-done
		// The last packet waits in the reorder buffer for a successor.
		if want := 99 * 20 * time.Millisecond; heard < want-40*time.Millisecond || heard > want {
			t.Errorf("session %d: heard %v of stream time, want about %v (gaps filled)", session, heard, want)
		}
	}
	want := ingest.SourceStats{Packets: 184, PacketsLost: 16, ConcealedMs: 320}
	got := stats.Source()
	if got.Packets != want.Packets || got.PacketsLost != want.PacketsLost || got.ConcealedMs != want.ConcealedMs ||
		got.DecodeErrors != 0 || got.DroppedChunks != 0 || got.Bytes == 0 {
		t.Errorf("stats %+v, want %+v with bytes and no errors", got, want)
	}
	if err := api.Close(); err != nil {
		t.Error(err)
	}
	settled()
}
