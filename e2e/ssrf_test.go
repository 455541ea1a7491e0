package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testnet"
	"github.com/earshot/earshot/internal/testutil"
)

// TestRoomsRefuseInternalSources: with the default configuration, POST
// /v1/rooms refuses (400, naming the policy and ingest.allow_hosts) every
// source on a loopback, private, link-local or other special address, or
// named by a host that resolves to one; nothing is registered and nothing
// is connected to.
func TestRoomsRefuseInternalSources(t *testing.T) {
	c := apiClient(t, startService(t, nil))
	ctx := context.Background()
	addr, hits := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	_, port, _ := net.SplitHostPort(addr)
	for i, source := range []string{
		"rtmp://127.0.0.1:" + port + "/live/x",
		"http://localhost:" + port + "/live.flv",
		"rtmp://[::ffff:127.0.0.1]:" + port + "/live/x",
		"http://0.0.0.0:" + port + "/live.flv",
		"whep+http://[::1]:" + port + "/whep",
		"https://10.1.2.3/live/index.m3u8",
		"rtsp://172.16.0.9/cam",
		"srt://192.168.1.1:9000?streamid=x",
		"http://169.254.169.254/latest/meta-data/",
		"rtmps://100.64.1.1/live/x",
		"http://2130706433/x.flv", // 127.0.0.1 to a C resolver
		"rtmp://93.184.216.34:99999/live/x",
	} {
		room := "internal-" + string(rune('a'+i))
		_, err := c.AddRoom(ctx, api.RoomSpec{ID: room, Source: source})
		want := []string{"source", "outbound address policy", "ingest.allow_hosts"}
		switch {
		case strings.Contains(source, "2130706433"):
			want = []string{"source", "not a host name"}
		case strings.Contains(source, "99999"):
			want = []string{"source", "port 99999: want 1 to 65535"}
		}
		for _, w := range want {
			if !api.IsCode(err, api.CodeBadRoom) || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: %v, want 400 bad_room naming %q", source, err, w)
			}
		}
		if st, err := c.Room(ctx, room); !api.IsCode(err, api.CodeUnknownRoom) {
			t.Errorf("%s: room registered anyway (%v %+v)", source, err, st)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d connections reached the loopback server", n)
	}
}

// TestPulledRedirectToLoopbackRefused: a source on an allowed private
// address (the host end of a veth pair, listed in ingest.allow_hosts)
// answers 302 to a loopback URL; the room shows the refusal and the
// loopback server is never reached.
func TestPulledRedirectToLoopbackRefused(t *testing.T) {
	ns := testnet.NewNamespace(t)
	secret, hits := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	redirect := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://"+secret+"/admin/live.flv", http.StatusFound)
	}), ReadHeaderTimeout: 5 * time.Second}
	ln, err := net.Listen("tcp", net.JoinHostPort(ns.HostIP, "0"))
	if err != nil {
		t.Fatal(err)
	}
	go redirect.Serve(ln)
	t.Cleanup(func() { redirect.Close() })
	c := apiClient(t, startService(t, func(c *config.Config) { c.Ingest.AllowHosts = []string{ns.HostIP} }))
	ctx := context.Background()
	if _, err := c.AddRoom(ctx, api.RoomSpec{ID: "redirected", Source: "http://" + ln.Addr().String() + "/live.flv"}); err != nil {
		t.Fatalf("registering the room: %v", err)
	}
	var last string
	testutil.Eventually(t, 30*time.Second, func() error {
		st, err := c.Room(ctx, "redirected")
		if last = st.LastError; err == nil && !strings.Contains(last, "outbound address policy") {
			err = fmt.Errorf("no refusal in the room status: %+v", st)
		}
		return err
	})
	if !strings.Contains(last, "127.0.0.1") {
		t.Errorf("last_error %q does not name the refused address", last)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d connections reached the loopback server", n)
	}
}

// TestPullErrorsHidePortState: rooms pulling from a closed port, a port
// that hangs up and a port that never answers (loopback allowed) all show
// the same error, so room status is no port scanner.
func TestPullErrorsHidePortState(t *testing.T) {
	c := apiClient(t, startService(t, allowLoopback))
	ctx := context.Background()
	closed := "127.0.0.1:" + testutil.FreePort(t, "tcp")
	hangup, _ := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	silent, _ := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c)
	})
	ports := map[string]string{"closed": closed, "hangup": hangup, "silent": silent}
	for name, addr := range ports {
		for _, scheme := range []string{"rtmp", "http"} {
			id := "scan-" + name + "-" + scheme
			if _, err := c.AddRoom(ctx, api.RoomSpec{ID: id, Source: scheme + "://" + addr + "/live/x"}); err != nil {
				t.Fatalf("registering %s: %v", id, err)
			}
		}
	}
	for name, addr := range ports {
		for _, scheme := range []string{"rtmp", "http"} {
			id := "scan-" + name + "-" + scheme
			var last string
			testutil.Eventually(t, 45*time.Second, func() error {
				st, err := c.Room(ctx, id)
				if last = st.LastError; err == nil && last == "" {
					err = fmt.Errorf("%s: no error yet: %+v", id, st)
				}
				return err
			})
			want := "ffmpeg:" + scheme + "://" + addr + "/live/x: could not connect to the source"
			if !strings.HasSuffix(last, want) || strings.Count(last, ":") != strings.Count("pipeline: room x: "+want, ":") {
				t.Errorf("%s: last_error %q, want %q", id, last, want)
			}
		}
	}
}
