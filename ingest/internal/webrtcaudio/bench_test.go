package webrtcaudio

import (
	"testing"
	"time"

	"github.com/earshot/earshot/ingest/internal/opusrx"
	"github.com/earshot/earshot/internal/testaudio"
)

// BenchmarkDecodePath is the receive path's per-packet work without the
// network: Opus decode of real 20 ms packets plus resampling to 16 kHz,
// and adding the receiver's counters to the shared Stats.
func BenchmarkDecodePath(b *testing.B) {
	pkts := testaudio.OggPackets(b, "../../whip/testdata/tone440.ogg")
	rx, err := opusrx.New()
	if err != nil {
		b.Fatal(err)
	}
	var st Stats
	var seen opusrx.Stats
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		pk := pkts[i%len(pkts)]
		_, _ = rx.PushSeq(pk.Data, uint32(i*960), uint16(i))
		st.observe(&seen, rx.Stats())
	}
	b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(20*time.Millisecond)*100, "cpu%/stream")
}
