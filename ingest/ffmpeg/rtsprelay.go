package ffmpeg

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"

	"github.com/earshot/earshot/internal/netguard"
)

// rtspRelay carries ffmpeg's RTSP control connection (over which the
// media is interleaved: -rtsp_transport tcp) to the checked address and
// watches the server's side. ffmpeg 5.1 follows an RTSP 3xx answer to any
// URL on its own, with no option to stop it; the relay cuts the connection
// at such an answer instead of passing it on, so ffmpeg never sees the
// new location, and records the refusal for Run's error.
type rtspRelay struct {
	ln     net.Listener
	target string // host:port, dialed through the policy for every connection
	guard  *netguard.Policy

	mu      sync.Mutex
	refused error
	failure error // the latest failed dial
	conns   map[net.Conn]struct{}
	closed  bool
	wg      sync.WaitGroup
}

// maxRTSPHead bounds one RTSP message head from the server.
const maxRTSPHead = 64 << 10

func startRTSPRelay(guard *netguard.Policy, target string) (*rtspRelay, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("rtsp relay: %w", err)
	}
	r := &rtspRelay{ln: ln, target: target, guard: guard, conns: map[net.Conn]struct{}{}}
	r.wg.Go(r.accept)
	return r, nil
}

// addr is where ffmpeg connects instead of the server.
func (r *rtspRelay) addr() string { return r.ln.Addr().String() }

// Refused returns the first refusal (a redirect, or the policy at a
// dial), or nil.
func (r *rtspRelay) Refused() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refused
}

// LastFailure returns the latest dial that failed otherwise, or nil.
func (r *rtspRelay) LastFailure() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failure
}

func (r *rtspRelay) record(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case errors.Is(err, netguard.ErrRefused):
		if r.refused == nil {
			r.refused = err
		}
	default:
		r.failure = err
	}
}

func (r *rtspRelay) close() {
	_ = r.ln.Close()
	r.mu.Lock()
	r.closed = true
	for c := range r.conns {
		_ = c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

func (r *rtspRelay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		_ = c.Close()
		return false
	}
	r.conns[c] = struct{}{}
	return true
}

func (r *rtspRelay) accept() {
	for {
		down, err := r.ln.Accept()
		if err != nil {
			return
		}
		if !r.track(down) {
			return
		}
		r.wg.Go(func() { r.serve(down) })
	}
}

// serve relays one connection of ffmpeg's.
func (r *rtspRelay) serve(down net.Conn) {
	defer down.Close()
	up, err := r.guard.DialContext(context.Background(), "tcp", r.target)
	if err != nil {
		r.record(err) // ffmpeg only sees the connection close
		return
	}
	if !r.track(up) {
		return
	}
	defer up.Close()
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, down); done <- struct{}{} }()
	go func() {
		if err := r.filter(down, up); err != nil {
			r.record(err)
		}
		done <- struct{}{}
	}()
	<-done
	_ = up.Close()
	_ = down.Close()
	<-done
}

// filter copies the server's bytes to ffmpeg in order, reading them the
// way ffmpeg 5.1's ff_rtsp_read_reply does, so that what it judges is what
// ffmpeg will act on: at the start of every line, any interleaved frames
// ('$', channel, 16-bit length, data); lines end at '\n' with '\r'
// dropped; the reply code is atoi of the first line's second word; an
// empty line ends the head, and Content-Length bytes of body follow. A
// first line with a 3xx code is not passed on: the connection is cut. It
// returns the refusal of a redirect, or nil when either side closed.
func (r *rtspRelay) filter(dst io.Writer, src io.Reader) error {
	br := bufio.NewReaderSize(src, 32<<10)
	for {
		var head []byte
		for lines := 0; ; lines++ {
			if err := passFrames(dst, br); err != nil {
				return nil
			}
			start := len(head)
			line, err := readLine(br, &head)
			if err != nil {
				return nil
			}
			if code := replyCode(line); lines == 0 && code >= 300 && code < 400 {
				return fmt.Errorf("%w: the RTSP server answered %d (a redirect, which would be followed unchecked)", netguard.ErrRefused, code)
			}
			if _, err := dst.Write(head[start:]); err != nil {
				return nil
			}
			if len(line) == 0 {
				break
			}
		}
		n, ok := contentLength(head)
		if !ok {
			return nil // cannot tell where the body ends: stop here
		}
		if _, err := io.CopyN(dst, br, n); err != nil {
			return nil
		}
	}
}

// passFrames copies the interleaved frames at the reader's position.
func passFrames(dst io.Writer, br *bufio.Reader) error {
	for {
		first, err := br.Peek(1)
		if err != nil {
			return err
		}
		if first[0] != '$' {
			return nil
		}
		hdr, err := br.Peek(4)
		if err != nil {
			return err
		}
		if _, err := io.CopyN(dst, br, int64(4+(int(hdr[2])<<8|int(hdr[3])))); err != nil {
			return err
		}
	}
}

// readLine reads one line onto head (raw, as it will be passed on) and
// returns it without '\r' and '\n'. head is bounded by maxRTSPHead.
func readLine(br *bufio.Reader, head *[]byte) ([]byte, error) {
	start := len(*head)
	for {
		part, err := br.ReadSlice('\n')
		*head = append(*head, part...)
		if len(*head) > maxRTSPHead {
			return nil, errors.New("RTSP head too long")
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return bytes.ReplaceAll(bytes.TrimSuffix((*head)[start:], []byte("\n")), []byte("\r"), nil), nil
	}
}

// replyCode is what ffmpeg reads as the reply code of first: atoi of the
// second word (words split at spaces and tabs).
func replyCode(first []byte) int {
	f := strings.FieldsFunc(string(first), func(r rune) bool { return r == ' ' || r == '\t' })
	if len(f) < 2 {
		return 0
	}
	w, neg := f[1], false
	if w != "" && (w[0] == '+' || w[0] == '-') {
		neg, w = w[0] == '-', w[1:]
	}
	n := 0
	for _, c := range []byte(w) {
		if c < '0' || c > '9' || n > 1<<20 {
			break
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		return -n
	}
	return n
}

// maxRTSPBody bounds a message body (an SDP is a few KiB).
const maxRTSPBody = 1 << 20

// contentLength is the head's Content-Length (0 without one); false if it
// is unreadable or too large.
func contentLength(head []byte) (int64, bool) {
	for _, l := range strings.Split(string(head), "\n") {
		name, v, ok := strings.Cut(l, ":")
		if ok && strings.EqualFold(strings.TrimSpace(name), "Content-Length") {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil && n >= 0 && n <= maxRTSPBody
		}
	}
	return 0, true
}
