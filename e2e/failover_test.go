package e2e

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
)

// node is an `earshot serve` running as its own process (TestMain).
type node struct {
	name string
	cmd  *exec.Cmd
	api  *api.Client
	log  string
	addr string // its HTTP address
	done chan struct{}
}

// startNode runs cfg as a process of its own, its log kept in a file the
// test prints when it fails.
func startNode(t *testing.T, name string, cfg config.Config, token string) *node {
	t.Helper()
	dir := t.TempDir()
	data, err := yaml.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), nodeEnv+"="+path)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	n := &node{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(n.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-n.done
		}
		if t.Failed() {
			b, _ := os.ReadFile(logPath)
			t.Logf("--- %s log ---\n%s", name, tail(string(b), 60))
		}
	})
	if n.api, err = api.New("http://"+cfg.HTTP.Addr, api.WithToken(token)); err != nil {
		t.Fatal(err)
	}
	return n
}

func tail(s string, lines int) string {
	parts := strings.Split(s, "\n")
	return strings.Join(parts[max(0, len(parts)-lines):], "\n")
}

// kill is kill -9: nothing released, nothing flushed.
func (n *node) kill(t *testing.T) {
	t.Helper()
	if err := n.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-n.done
}

// live lists the rooms this node is pulling now.
func (n *node) live(ctx context.Context) map[string]bool {
	out := map[string]bool{}
	rs, err := n.api.Rooms(ctx)
	if err != nil {
		return out
	}
	for _, r := range rs {
		if r.State == "live" {
			out[r.Room.ID] = true
		}
	}
	return out
}

// wavServer serves an endless 16 kHz mono WAV at /<room>.wav: a far end
// that keeps streaming as long as it is pulled, paced by the puller.
func wavServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "audio/wav")
		bw := bufio.NewWriter(w)
		hdr := make([]byte, 44)
		copy(hdr, "RIFF")
		binary.LittleEndian.PutUint32(hdr[4:], 0xFFFFFFFF-8)
		copy(hdr[8:], "WAVEfmt ")
		binary.LittleEndian.PutUint32(hdr[16:], 16)
		binary.LittleEndian.PutUint16(hdr[20:], 1)
		binary.LittleEndian.PutUint16(hdr[22:], 1)
		binary.LittleEndian.PutUint32(hdr[24:], 16000)
		binary.LittleEndian.PutUint32(hdr[28:], 32000)
		binary.LittleEndian.PutUint16(hdr[32:], 2)
		binary.LittleEndian.PutUint16(hdr[34:], 16)
		copy(hdr[36:], "data")
		binary.LittleEndian.PutUint32(hdr[40:], 0xFFFFFFFF-44)
		_, _ = bw.Write(hdr)
		chunk := make([]byte, 3200) // 100 ms of a quiet square wave
		for i := 0; i < len(chunk); i += 2 {
			v := int16(300)
			if (i/2/40)%2 == 0 {
				v = -300
			}
			binary.LittleEndian.PutUint16(chunk[i:], uint16(v))
		}
		for r.Context().Err() == nil {
			if _, err := bw.Write(chunk); err != nil {
				return
			}
			if bw.Flush() != nil {
				return
			}
		}
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	return srv
}

// TestKillIngestWorker: two ingest workers, each its own process, share 20
// pulled rooms registered on an api node (HTTP streams pulled through
// ffmpeg); kill -9 of the worker pulling some of them brings every room
// live on the other worker within seconds (the lease TTL, 3 s, plus the
// intake cap), and no room is left unpulled.
func TestKillIngestWorker(t *testing.T) {
	testutil.NeedTool(t, "ffmpeg")
	h := startIngestHub(t)
	a, b := h.worker(t, "worker-a", ""), h.worker(t, "worker-b", "")
	ctx := context.Background()
	far := wavServer(t)
	hc := apiClient(t, h.Service)
	var ids []string
	for i := range 20 {
		id := fmt.Sprintf("pulled-%02d", i)
		ids = append(ids, id)
		if _, err := hc.AddRoom(ctx, api.RoomSpec{ID: id, Anchor: "anchor-" + id, Source: far.URL + "/" + id + ".wav"}); err != nil {
			t.Fatal(err)
		}
	}
	var la, lb map[string]bool
	// On a loaded machine a late renewal can move a room once or twice
	// before the split settles.
	testutil.WaitFor(t, 120*time.Second, "every room live on exactly one worker", func() bool {
		la, lb = a.live(ctx), b.live(ctx)
		for _, id := range ids {
			if la[id] == lb[id] {
				return false
			}
		}
		return true
	})
	t.Logf("rooms live: worker-a %d, worker-b %d", len(la), len(lb))
	victim, survivor := a, b
	if len(la) == 0 {
		victim, survivor = b, a
	}
	killed := time.Now()
	victim.kill(t)
	// The takeover time is measured by BenchmarkRoomTakeover (3.5 s: the
	// lease TTL, 3 s, then the intake cap); here it is logged, and the
	// test asserts that every room comes back, on the survivor only.
	testutil.WaitFor(t, 90*time.Second, "every room live on the surviving worker", func() bool {
		return len(survivor.live(ctx)) == len(ids)
	})
	moved := time.Since(killed)
	t.Logf("all 20 rooms live on %s %v after kill -9 of %s", survivor.name, moved.Round(10*time.Millisecond), victim.name)
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o700)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o600)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func mustAbs(t *testing.T, p string) string {
	t.Helper()
	abs, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
