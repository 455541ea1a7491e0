package fakeasr

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/websocket"
)

// Behavior tunes a WebSocket fake.
type Behavior struct {
	// Garbage is sent once after the first audio frame.
	Garbage string
	// Stall makes the fake never answer the end-of-stream message.
	Stall bool
	// SplitAt, if positive, ends a server segment (an endpoint) after this
	// many words of the transcript, as the servers' own endpointers do.
	SplitAt int
}

// wsFake is what the Vosk and sherpa fakes share.
type wsFake struct {
	*httptest.Server
	Text string
	Behavior

	mu      sync.Mutex
	samples []int // audio samples received, per connection
	bad     []string
}

// session is one connection's side of a fake's protocol.
type session interface {
	// control handles a text frame: end is the client's end of stream; an
	// error is a protocol violation that ends the connection.
	control(msg []byte, samples int) (end bool, err error)
	// final is the answer to the end of stream.
	final() []string
	// answer is the reply to audio, samples in all so far.
	answer(samples int) []string
}

// start serves connections, each with a session from newSession; bytes
// is the size of one audio sample on the wire.
func (f *wsFake) start(bytes int, newSession func() session) {
	f.Server = httptest.NewServer(websocket.Handler(func(ws *websocket.Conn) {
		defer ws.Close()
		f.serve(ws, bytes, newSession())
	}))
}

func (f *wsFake) serve(ws *websocket.Conn, bytes int, s session) {
	id := f.conn()
	samples, garbage := 0, false
	for {
		fr, err := receive(ws)
		if err != nil {
			return
		}
		if fr.text {
			if f.text(ws, s, fr.data, samples) {
				return
			}
			continue
		}
		if len(fr.data)%bytes != 0 {
			f.violation(fmt.Sprintf("PCM frame of %d bytes, not a multiple of %d", len(fr.data), bytes))
		}
		samples += len(fr.data) / bytes
		f.add(id, len(fr.data)/bytes)
		if f.Garbage != "" && !garbage {
			garbage = true
			_ = websocket.Message.Send(ws, f.Garbage)
		}
		for _, m := range s.answer(samples) {
			_ = websocket.Message.Send(ws, m)
		}
	}
}

// Samples is the audio received on each connection so far.
func (f *wsFake) Samples() []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.samples...)
}

// Violations lists protocol mistakes the client made.
func (f *wsFake) Violations() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.bad...)
}

func (f *wsFake) violation(s string) {
	f.mu.Lock()
	f.bad = append(f.bad, s)
	f.mu.Unlock()
}

func (f *wsFake) conn() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.samples = append(f.samples, 0)
	return len(f.samples) - 1
}

func (f *wsFake) add(i, n int) {
	f.mu.Lock()
	f.samples[i] += n
	f.mu.Unlock()
}

// text handles a text frame; it reports the end of the connection.
func (f *wsFake) text(ws *websocket.Conn, s session, msg []byte, samples int) (stop bool) {
	end, err := s.control(msg, samples)
	if err != nil {
		f.violation(err.Error())
		return true
	}
	if !end {
		return false
	}
	if f.Stall {
		stall()
		return true
	}
	for _, m := range s.final() {
		_ = websocket.Message.Send(ws, m)
	}
	return true
}

// URL is the ws:// address of the fake.
func (f *wsFake) URL() string { return "ws" + strings.TrimPrefix(f.Server.URL, "http") }

// heard is the part of the transcript "recognized" after secs of audio: a
// word every 300 ms, as a streaming engine reveals words.
func heard(words []string, secs float64) []string {
	n := min(int(secs/0.3), len(words))
	return words[:n]
}

// stall waits long enough for any client timeout in tests.
func stall() { time.Sleep(30 * time.Second) }

// frame is one received message with its type.
type frame struct {
	data []byte
	text bool
}

// frameCodec receives a message and remembers whether it was text.
var frameCodec = websocket.Codec{
	Marshal: func(v any) ([]byte, byte, error) {
		f := v.(frame)
		if f.text {
			return f.data, websocket.TextFrame, nil
		}
		return f.data, websocket.BinaryFrame, nil
	},
	Unmarshal: func(data []byte, pt byte, v any) error {
		f := v.(*frame)
		f.data, f.text = append([]byte(nil), data...), pt == websocket.TextFrame
		return nil
	},
}

func receive(ws *websocket.Conn) (frame, error) {
	var f frame
	err := frameCodec.Receive(ws, &f)
	return f, err
}
