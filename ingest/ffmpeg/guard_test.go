package ffmpeg

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testnet"
	"github.com/earshot/earshot/internal/testutil"
)

// TestPolicyRefusesBeforeConnecting: with the default policy no pull of
// a loopback, private or link-local address, or of a name resolving to
// one, starts ffmpeg or reaches the server.
func TestPolicyRefusesBeforeConnecting(t *testing.T) {
	addr, hits := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	_, port, _ := net.SplitHostPort(addr)
	for _, raw := range []string{
		"rtmp://127.0.0.1:" + port + "/live/x",
		"http://localhost:" + port + "/live.flv",
		"http://media.test:" + port + "/index.m3u8",
		"rtmp://media.test:" + port + "/live/x",
		"srt://[::1]:" + port,
		"rtsp://[::ffff:127.0.0.1]:" + port + "/cam",
		"rtsp://10.1.2.3/cam",
		"https://192.168.1.10/live.m3u8",
		"http://169.254.169.254/latest/meta-data/",
		"rtmps://100.64.0.1/live/x",
	} {
		src, err := New(raw, Options{Guard: testnet.Policy(t), Timeout: time.Second})
		if err != nil {
			t.Fatalf("%s: %v", raw, err)
		}
		err = src.Run(context.Background(), (&recorder{}).emit)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "ingest.allow_hosts") {
			t.Errorf("%s: got %v, want a refusal naming ingest.allow_hosts", raw, err)
		}
		if src.lastPID != 0 {
			t.Errorf("%s: ffmpeg was started", raw)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d connections reached the server", n)
	}
}

// TestRedirectToLoopbackRefused: an allowed HTTP source answers 302 to
// http://127.0.0.1:...; ffmpeg follows it through the checking proxy,
// which refuses it. Likewise a playlist whose segment is on loopback.
func TestRedirectToLoopbackRefused(t *testing.T) {
	needFFmpeg(t)
	dir := t.TempDir()
	wav := toneWAV(t, dir, 440, 1)
	var secret atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secret.Add(1)
		http.ServeFile(w, r, wav)
	}))
	defer internal.Close()
	playlist := "#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\n" + internal.URL + "/seg.wav\n#EXT-X-ENDLIST\n"
	if err := os.WriteFile(filepath.Join(dir, "evil.m3u8"), []byte(playlist), 0o644); err != nil {
		t.Fatal(err)
	}
	media := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/redirect.wav":
			http.Redirect(w, r, internal.URL+"/a.wav", http.StatusFound)
		case "/evil.m3u8":
			http.ServeFile(w, r, filepath.Join(dir, "evil.m3u8"))
		default:
			http.ServeFile(w, r, wav)
		}
	}))
	defer media.Close()
	_, port, _ := net.SplitHostPort(media.Listener.Addr().String())
	base := "http://media.test:" + port
	// The allowed name works...
	src, err := New(base+"/ok.wav", Options{Guard: testnet.Policy(t, testnet.MediaName), Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	if err := src.Run(context.Background(), rec.emit); err != nil || rec.heard() < 900*time.Millisecond {
		t.Fatalf("allowed source: %v, heard %v", err, rec.heard())
	}
	// ...its redirects and playlist entries to loopback do not.
	for _, path := range []string{"/redirect.wav", "/evil.m3u8"} {
		src, err := New(base+path, Options{Guard: testnet.Policy(t, testnet.MediaName), Timeout: 3 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		rec := &recorder{}
		err = src.Run(context.Background(), rec.emit)
		if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "127.0.0.1") {
			t.Errorf("%s: got %v, want a refusal of 127.0.0.1", path, err)
		}
		if len(rec.pcm) > 0 {
			t.Errorf("%s: emitted %d samples", path, len(rec.pcm))
		}
	}
	if n := secret.Load(); n != 0 {
		t.Errorf("the loopback server was reached %d times", n)
	}
}

// TestConnectErrorsAreNeutral: a closed port, a port that accepts and
// hangs up, and one that accepts and never answers all give the same
// error text, so room status cannot be used to scan ports.
func TestConnectErrorsAreNeutral(t *testing.T) {
	needFFmpeg(t)
	closed := "127.0.0.1:" + testutil.FreePort(t, "tcp")
	hangup, _ := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	silent, _ := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c)
	})
	for _, scheme := range []string{"rtmp", "http"} {
		for name, addr := range map[string]string{"closed": closed, "hangup": hangup, "silent": silent} {
			raw := scheme + "://" + addr + "/live/x"
			if scheme == "http" {
				raw += ".flv"
			}
			src, err := New(raw, Options{Guard: loopback, Timeout: time.Second})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			err = src.Run(ctx, (&recorder{}).emit)
			cancel()
			if got := strings.TrimPrefix(errString(err), src.Describe()+": "); got != "could not connect to the source" || !errors.Is(err, ErrUnreachable) {
				t.Errorf("%s %s: %q, want the neutral message", scheme, name, got)
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return "<nil>"
	}
	return err.Error()
}

func TestRTMPApp(t *testing.T) {
	for path, want := range map[string]string{
		"/live/x":             "live",
		"/live/inst/x":        "live/inst",
		"/live/mp4:a/b":       "live",
		"/x":                  "",
		"/":                   "",
		"/ondemand/a/b":       "ondemand",
		"/app?slist=stream":   "app",
		"/live/x?key=a/b":     "live/x?key=a", // as ffmpeg splits it
		"/a/b/c/d":            "a/b",
		"/live/stream?token=": "live",
	} {
		if got := rtmpApp(path); got != want {
			t.Errorf("%q: %q, want %q", path, got, want)
		}
	}
}

// TestPinnedArgs: a named RTMP source is dialed at its checked address
// with the name kept in tcUrl; an HTTP source goes through the proxy.
func TestPinnedArgs(t *testing.T) {
	src, err := New("rtmp://media.test/live/x?k=v", Options{Guard: testnet.Policy(t, testnet.MediaName)})
	if err != nil {
		t.Fatal(err)
	}
	r, err := src.prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if r.input != "rtmp://127.0.0.1/live/x?k=v" || strings.Join(r.opts, " ") != "-rtmp_tcurl rtmp://media.test:1935/live" || r.proxy != nil {
		t.Errorf("rtmp: input %q opts %q", r.input, r.opts)
	}
	src, _ = New("https://media.test/a.m3u8", Options{Guard: testnet.Policy(t, testnet.MediaName)})
	r, err = src.prepare(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer r.close()
	if r.input != "https://media.test/a.m3u8" || r.proxy == nil || !hasEnv(r.env, "http_proxy="+r.proxy.URL()) {
		t.Errorf("https: input %q, proxy %v", r.input, r.proxy)
	}
}

func hasEnv(env []string, kv string) bool {
	n := 0
	for _, e := range env {
		if strings.HasPrefix(strings.ToLower(e), "http_proxy=") || strings.HasPrefix(strings.ToLower(e), "no_proxy=") {
			n++
		}
		if e == kv {
			n += 100
		}
	}
	return n == 101
}

// fakeRTSPRedirect is a FAKE RTSP server (a real one cannot answer with a
// redirect on demand): it answers OPTIONS and then 302 to location.
func fakeRTSPRedirect(t *testing.T, location string) string {
	addr, _ := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) {
		defer c.Close()
		br := bufio.NewReader(c)
		for {
			method, cseq := "", ""
			for {
				line, err := br.ReadString('\n')
				if err != nil {
					return
				}
				line = strings.TrimSpace(line)
				if line == "" {
					break
				}
				if method == "" {
					method, _, _ = strings.Cut(line, " ")
				}
				if v, ok := strings.CutPrefix(line, "CSeq: "); ok {
					cseq = v
				}
			}
			if method == "OPTIONS" {
				fmt.Fprintf(c, "RTSP/1.0 200 OK\r\nCSeq: %s\r\nPublic: OPTIONS, DESCRIBE, SETUP, PLAY\r\n\r\n", cseq)
				continue
			}
			fmt.Fprintf(c, "RTSP/1.0 302 Moved Temporarily\r\nCSeq: %s\r\nLocation: %s\r\n\r\n", cseq, location)
		}
	})
	return addr
}

// TestRTSPRedirectRefused: ffmpeg follows RTSP 3xx answers by itself; the
// relay cuts the connection instead, and the target is never reached.
func TestRTSPRedirectRefused(t *testing.T) {
	needFFmpeg(t)
	secret, hits := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	_, port, _ := net.SplitHostPort(fakeRTSPRedirect(t, "rtsp://"+secret+"/admin"))
	src, err := New("rtsp://"+testnet.MediaName+":"+port+"/cam", Options{Guard: testnet.Policy(t, testnet.MediaName), Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = src.Run(context.Background(), (&recorder{}).emit)
	if !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "302") {
		t.Errorf("got %v, want the redirect refused", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("the redirect target was reached %d times", n)
	}
	// The control: ffmpeg by itself does follow the redirect.
	_ = exec.Command("ffmpeg", "-nostdin", "-loglevel", "quiet", "-rtsp_transport", "tcp", "-timeout", "2000000",
		"-i", "rtsp://127.0.0.1:"+port+"/cam", "-f", "null", "-").Run()
	if hits.Load() == 0 {
		t.Error("plain ffmpeg did not follow the redirect either: the test proves nothing")
	}
}

// TestPullsRTSPThroughRelay: a real RTSP server (GStreamer's
// gst-rtsp-server) streams Opus; the pull, by a name resolving to it,
// goes through the relay and hears the tone.
func TestPullsRTSPThroughRelay(t *testing.T) {
	needFFmpeg(t)
	check := `import gi; gi.require_version("GstRtspServer","1.0"); from gi.repository import GstRtspServer`
	if out, err := exec.Command(testnet.DebianPython, "-c", check).CombinedOutput(); err != nil {
		testutil.Need(t, fmt.Errorf("gst-rtsp-server not usable (gir1.2-gst-rtsp-server-1.0): %w\n%s", err, out))
	}
	port := testutil.FreePort(t, "tcp")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv := exec.CommandContext(ctx, testnet.DebianPython, "testdata/gst_rtsp_server.py", "127.0.0.1", port, "3")
	stderr := testnet.StartReady(t, srv)
	src, err := New("rtsp://"+testnet.MediaName+":"+port+"/tone", Options{Guard: testnet.Policy(t, testnet.MediaName), Timeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	rec := &recorder{}
	err = src.Run(ctx, rec.emit)
	if err != nil && !errors.Is(err, ErrStreamLost) {
		t.Fatalf("Run: %v\nserver: %s", err, stderr.String())
	}
	if h := rec.heard(); h < 2*time.Second {
		t.Fatalf("heard %v, want about 3s", h)
	}
	if s := testaudio.ToneShare(rec.pcm[len(rec.pcm)/4:3*len(rec.pcm)/4], 1000); s < 0.9 {
		t.Errorf("1 kHz share %.3f, want > 0.9", s)
	}
}
