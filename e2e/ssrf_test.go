package e2e

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testnet"
)

// TestRoomsRefuseInternalSources: with the default configuration, POST
// /v1/rooms refuses (400, naming the policy and ingest.allow_hosts) every
// source on a loopback, private, link-local or other special address, or
// named by a host that resolves to one; nothing is registered and nothing
// is connected to.
func TestRoomsRefuseInternalSources(t *testing.T) {
	svc := startService(t, nil)
	base := "http://" + svc.HTTPAddr()
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
	} {
		room := "internal-" + string(rune('a'+i))
		body, _ := json.Marshal(map[string]string{"id": room, "source": source})
		resp := post(t, base+"/v1/rooms", "application/json", body)
		msg, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := []string{"source", "outbound address policy", "ingest.allow_hosts"}
		if strings.Contains(source, "2130706433") {
			want = []string{"source", "not a host name"}
		}
		for _, w := range want {
			if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(msg), w) {
				t.Errorf("%s: %s %s, want 400 naming %q", source, resp.Status, msg, w)
			}
		}
		var st map[string]any
		if code := getJSON(t, base+"/v1/rooms/"+room, &st); code != http.StatusNotFound {
			t.Errorf("%s: room registered anyway (%d %v)", source, code, st)
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
	svc := startService(t, func(c *config.Config) { c.Ingest.AllowHosts = []string{ns.HostIP} })
	base := "http://" + svc.HTTPAddr()
	status, v := doJSON(t, "POST", base+"/v1/rooms", `{"id":"redirected","source":"http://`+ln.Addr().String()+`/live.flv"}`)
	if status != http.StatusCreated {
		t.Fatalf("POST /v1/rooms: %d %v", status, v)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var st map[string]any
		getJSON(t, base+"/v1/rooms/redirected", &st)
		if last, _ := st["last_error"].(string); strings.Contains(last, "outbound address policy") {
			if !strings.Contains(last, "127.0.0.1") {
				t.Errorf("last_error %q does not name the refused address", last)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no refusal in the room status: %v", st)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d connections reached the loopback server", n)
	}
}

// TestPullErrorsHidePortState: rooms pulling from a closed port, a port
// that hangs up and a port that never answers (loopback allowed) all show
// the same error, so room status is no port scanner.
func TestPullErrorsHidePortState(t *testing.T) {
	svc := startService(t, allowLoopback)
	base := "http://" + svc.HTTPAddr()
	closed := "127.0.0.1:" + freeTCPPort(t)
	hangup, _ := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) { c.Close() })
	silent, _ := testnet.TCPServer(t, "127.0.0.1:0", func(c net.Conn) {
		defer c.Close()
		_, _ = io.Copy(io.Discard, c)
	})
	ports := map[string]string{"closed": closed, "hangup": hangup, "silent": silent}
	for name, addr := range ports {
		for _, scheme := range []string{"rtmp", "http"} {
			id := "scan-" + name + "-" + scheme
			if status, v := doJSON(t, "POST", base+"/v1/rooms", `{"id":"`+id+`","source":"`+scheme+`://`+addr+`/live/x"}`); status != http.StatusCreated {
				t.Fatalf("POST /v1/rooms %s: %d %v", id, status, v)
			}
		}
	}
	deadline := time.Now().Add(45 * time.Second)
	for name, addr := range ports {
		for _, scheme := range []string{"rtmp", "http"} {
			id := "scan-" + name + "-" + scheme
			var last string
			for last == "" {
				var st map[string]any
				getJSON(t, base+"/v1/rooms/"+id, &st)
				last, _ = st["last_error"].(string)
				if time.Now().After(deadline) {
					t.Fatalf("%s: no error yet: %v", id, st)
				}
				time.Sleep(100 * time.Millisecond)
			}
			want := "ffmpeg:" + scheme + "://" + addr + "/live/x: could not connect to the source"
			if !strings.HasSuffix(last, want) || strings.Count(last, ":") != strings.Count("pipeline: room x: "+want, ":") {
				t.Errorf("%s: last_error %q, want %q", id, last, want)
			}
		}
	}
}
