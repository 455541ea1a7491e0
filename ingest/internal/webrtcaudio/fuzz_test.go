package webrtcaudio

import (
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/pion/rtp"
)

// rtpPackets splits fuzz input into RTP packets, each prefixed by its
// length (one byte, so every input splits somewhere).
func rtpPackets(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := min(int(data[0]), len(data)-1)
		out = append(out, data[1:1+n])
		data = data[1+n:]
	}
	return out
}

// rtpSeed is fuzz input of Opus payloads sent as RTP packets with the
// given sequence numbers, 20 ms apart.
func rtpSeed(seqs []uint16, payloads ...[]byte) []byte {
	var out []byte
	for i, p := range payloads {
		pkt := rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seqs[i%len(seqs)],
			Timestamp: uint32(4294960000 + 960*i), SSRC: 1}, Payload: p}
		b, _ := pkt.Marshal()
		out = append(out, byte(len(b)))
		out = append(out, b...)
	}
	return out
}

// FuzzRTP feeds arbitrary RTP packets to the receive path's per-packet
// work (Run without the track): sequence guard, samplebuilder, Opus
// decoding, the queue. It must never panic or stall, and chunks must come
// out bounded and in order. A corpus entry in testdata is the three
// packets that cost pion's samplebuilder 0.4 s before seqGuard.
func FuzzRTP(f *testing.F) {
	silk := []byte{0x78, 0x07, 0xc9, 0x79, 0xc8, 0xc9, 0x57, 0xc0, 0xa2, 0x12, 0x23, 0xfa, 0xef, 0x67, 0xf3, 0x2e}
	f.Add(rtpSeed([]uint16{65534, 65535, 0, 1}, silk, silk, silk, silk))
	f.Add(rtpSeed([]uint16{7, 9, 8}, []byte{0xfc, 0xff, 0xfe}, []byte{0x03, 0x03, 0x01, 0x02}, nil))
	f.Add(rtpSeed([]uint16{1, 30000, 30001, 30002, 30003}, silk, silk, silk, silk, silk))
	f.Add([]byte{12, 0x80, 0x6f, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, data []byte) {
		var st Stats
		r := NewReceiver(1<<12, &st, testutil.Quiet())
		dp, err := r.newDepacketizer()
		if err != nil {
			t.Fatal(err)
		}
		now := time.Unix(0, 0)
		for _, raw := range rtpPackets(data) {
			var pkt rtp.Packet
			if pkt.Unmarshal(raw) != nil {
				continue
			}
			now = now.Add(20 * time.Millisecond)
			dp.push(&pkt, now)
		}
		var end time.Duration
		for len(r.queue) > 0 {
			c := (<-r.queue).Chunk
			if c.Offset < end || len(c.PCM) > 48000 {
				t.Fatalf("chunk at %v (%d samples) after end %v", c.Offset, len(c.PCM), end)
			}
			end = c.End()
		}
	})
}
