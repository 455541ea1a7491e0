package rooms

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/rawpcm"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// sayAt is a scripted recognizer: once the stream has heard up to At, it
// emits Text as a final hypothesis spanning [Start, End]. It stands in for
// ASR, which the e2e tests cover with PocketSphinx.
type sayAt struct {
	Text           string
	Start, End, At time.Duration
}

func (s sayAt) Name() string { return "scripted" }
func (s sayAt) Open(_ context.Context, emit transcript.Emit) (transcript.Stream, error) {
	return &sayStream{say: s, emit: emit}, nil
}
func (sayAt) Close() error { return nil }

type sayStream struct {
	say  sayAt
	emit transcript.Emit
	done bool
}

func (s *sayStream) Write(pcm []int16, off time.Duration) error {
	end := off + time.Duration(len(pcm))*time.Second/ingest.SampleRate
	if !s.done && end >= s.say.At {
		s.done = true
		s.emit(transcript.Hypothesis{Utterance: 1, Final: true, Text: s.say.Text, Start: s.say.Start, End: s.say.End})
	}
	return nil
}
func (s *sayStream) EndUtterance() error { return nil }
func (s *sayStream) Close() error        { return nil }

func defaultMatcher(t testing.TB) pipeline.MatcherFunc {
	t.Helper()
	return pipeline.Static(testdouble.DefaultEngine(t))
}

// liveServer is a real HTTP server on loopback that streams raw 16 kHz
// s16le audio in real time, like a live origin; it can be killed
// (connections cut, port closed) and brought back on the same port.
type liveServer struct {
	t    testing.TB
	addr string
	mu   sync.Mutex
	srv  *http.Server
}

func startLive(t testing.TB) *liveServer {
	ls := &liveServer{t: t}
	ls.up()
	t.Cleanup(ls.down)
	return ls
}

func (ls *liveServer) URL() string { return "http://" + ls.addr + "/live.pcm" }

func (ls *liveServer) up() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	addr := ls.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var ln net.Listener
	testutil.Eventually(ls.t, 5*time.Second, func() error { // the old socket may linger for a moment
		var err error
		ln, err = net.Listen("tcp", addr)
		return err
	})
	ls.addr = ln.Addr().String()
	ls.srv = &http.Server{Handler: http.HandlerFunc(streamPCM)}
	go ls.srv.Serve(ln)
}

// down kills the server: listener closed, open streams cut.
func (ls *liveServer) down() {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	if ls.srv != nil {
		ls.srv.Close()
		ls.srv = nil
	}
}

// streamPCM sends a quiet 440 Hz-ish tone, 20 ms every 20 ms, until the
// client or the server goes away.
func streamPCM(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "audio/L16;rate=16000")
	fl, _ := w.(http.Flusher)
	buf := make([]byte, 640)
	for i := range 320 {
		v := int16(1000 * ((i % 36) - 18) / 18)
		buf[2*i], buf[2*i+1] = byte(v), byte(v>>8)
	}
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		if _, err := w.Write(buf); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
		select {
		case <-r.Context().Done():
			return
		case <-tick.C:
		}
	}
}

// httpPCM pulls raw PCM over HTTP: a small real puller for these tests
// (the server's own puller is ffmpeg-based, package ingest/pull).
type httpPCM struct{ url string }

func openHTTPPCM(rawURL, _ string) (ingest.Source, error) { return httpPCM{url: rawURL}, nil }

func (h httpPCM) Describe() string { return "http-pcm:" + h.url }

func (h httpPCM) Run(ctx context.Context, emit ingest.Emit) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	}
	src, err := rawpcm.New(resp.Body, h.url, rawpcm.Options{SampleRate: 16000, Channels: 1})
	if err != nil {
		return err
	}
	return src.Run(ctx, emit)
}

// sayOnClose says Text as the final hypothesis when its stream is closed,
// like a recognizer finalizing the utterance cut off by a shutdown.
type sayOnClose struct{ Text string }

func (s sayOnClose) Name() string { return "scripted-close" }
func (s sayOnClose) Open(_ context.Context, emit transcript.Emit) (transcript.Stream, error) {
	return &closeStream{text: s.Text, emit: emit}, nil
}
func (sayOnClose) Close() error { return nil }

type closeStream struct {
	text  string
	emit  transcript.Emit
	heard time.Duration
}

func (s *closeStream) Write(pcm []int16, off time.Duration) error {
	s.heard = off + time.Duration(len(pcm))*time.Second/ingest.SampleRate
	return nil
}
func (s *closeStream) EndUtterance() error { return nil }
func (s *closeStream) Close() error {
	if s.heard > 0 {
		s.emit(transcript.Hypothesis{Utterance: 1, Final: true, Text: s.text, Start: max(s.heard-time.Second, 0), End: s.heard})
	}
	return nil
}
