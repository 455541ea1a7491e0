package natscluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// Binary builds (once per test binary) the nats-server of go.mod.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "earshot-nats-server-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "nats-server")
		goBin, err := exec.LookPath("go")
		if err != nil {
			buildErr = fmt.Errorf("natscluster: the go command builds nats-server: %w", err)
			return
		}
		cmd := exec.Command(goBin, "build", "-o", binPath, "github.com/nats-io/nats-server/v2")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("building nats-server: %w: %s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// Cluster is N running servers.
type Cluster struct {
	t     testing.TB
	Auth  *natsauth.Authority
	URLs  []string
	procs []*exec.Cmd
	confs []string
	dir   string
}

func freePort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Start runs n clustered servers trusting auth and waits until JetStream
// answers on each.
func Start(t testing.TB, n int, auth *natsauth.Authority) *Cluster {
	t.Helper()
	Binary(t) // built before the first server starts
	op, err := auth.OperatorJWT()
	if err != nil {
		t.Fatal(err)
	}
	accts, err := auth.AccountJWTs()
	if err != nil {
		t.Fatal(err)
	}
	var preload []string
	for k, v := range accts {
		preload = append(preload, fmt.Sprintf("  %s: %q", k, v))
	}
	client, route := make([]int, n), make([]int, n)
	for i := range n {
		client[i], route[i] = freePort(t), freePort(t)
	}
	dir := t.TempDir()
	c := &Cluster{t: t, Auth: auth, dir: dir}
	for i := range n {
		var routes []string
		for j := range n {
			if j != i {
				routes = append(routes, fmt.Sprintf("nats-route://127.0.0.1:%d", route[j]))
			}
		}
		clusterConf := fmt.Sprintf("cluster { name: earshot, listen: 127.0.0.1:%d, routes: [%s] }", route[i], strings.Join(routes, ", "))
		if n == 1 { // one server: plain JetStream, no cluster to wait for
			clusterConf = ""
		}
		conf := fmt.Sprintf(`server_name: n%d
listen: 127.0.0.1:%d
jetstream { store_dir: %q, max_file_store: 1G, max_memory_store: 64M }
%s
operator: %q
system_account: %s
resolver: MEMORY
resolver_preload: {
%s
}
`, i, client[i], filepath.Join(dir, fmt.Sprintf("n%d", i)), clusterConf, op,
			auth.SystemAccountKey(), strings.Join(preload, "\n"))
		path := filepath.Join(dir, fmt.Sprintf("n%d.conf", i))
		if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
			t.Fatal(err)
		}
		c.confs = append(c.confs, path)
		c.procs = append(c.procs, c.run(i))
		c.URLs = append(c.URLs, fmt.Sprintf("nats://127.0.0.1:%d", client[i]))
	}
	t.Cleanup(c.stop)
	c.waitReady()
	if n > 1 {
		c.waitPeers(n)
	}
	return c
}

// waitPeers waits until the cluster can place a stream on n servers:
// each server answering JetStream is not enough, the meta group must know
// them all (else "no suitable peers for placement").
func (c *Cluster) waitPeers(n int) {
	c.t.Helper()
	nc, err := c.Connect()
	if err != nil {
		c.t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		c.t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "NATSCLUSTER_PROBE", Subjects: []string{"natscluster.probe"},
			Replicas: n, Storage: jetstream.MemoryStorage})
		if err == nil {
			err = js.DeleteStream(ctx, "NATSCLUSTER_PROBE")
		}
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("natscluster: no R%d stream can be placed: %v", n, err)
		}
		time.Sleep(200 * time.Millisecond) // polling the meta group forming
	}
}

// run starts server i from its config (same ports, same store).
func (c *Cluster) run(i int) *exec.Cmd {
	c.t.Helper()
	cmd := exec.Command(Binary(c.t), "-c", c.confs[i])
	logf, _ := os.OpenFile(filepath.Join(c.dir, fmt.Sprintf("n%d.log", i)), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	return cmd
}

// Restart starts server i again after Kill, with its store, and waits
// until JetStream answers.
func (c *Cluster) Restart(i int) {
	c.t.Helper()
	if c.procs[i] != nil {
		c.t.Fatalf("natscluster: server n%d is running", i)
	}
	c.procs[i] = c.run(i)
	c.waitReady()
}

func (c *Cluster) waitReady() {
	c.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for i, u := range c.URLs {
		for {
			err := c.jsReady(u)
			if err == nil {
				break
			}
			if time.Now().After(deadline) {
				c.t.Fatalf("natscluster: server n%d (%s) not ready: %v", i, u, err)
			}
			time.Sleep(100 * time.Millisecond) // polling a server coming up
		}
	}
}

func (c *Cluster) jsReady(u string) error {
	nc, err := c.Connect(nats.DontRandomize(), nats.MaxReconnects(0))
	if err != nil {
		return err
	}
	_ = u
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = js.AccountInfo(ctx)
	return err
}

// Connect connects to the cluster (every URL) as the service user.
func (c *Cluster) Connect(opts ...nats.Option) (*nats.Conn, error) {
	creds, err := c.Auth.ServiceCreds()
	if err != nil {
		return nil, err
	}
	opts = append([]nats.Option{creds.Option(), nats.MaxReconnects(-1), nats.ReconnectWait(100 * time.Millisecond)}, opts...)
	return nats.Connect(strings.Join(c.URLs, ","), opts...)
}

// Kill sends SIGKILL to server i and waits for it to exit.
func (c *Cluster) Kill(i int) {
	p := c.procs[i]
	if p == nil {
		return
	}
	_ = p.Process.Kill()
	_ = p.Wait()
	c.procs[i] = nil
}

func (c *Cluster) stop() {
	for i := range c.procs {
		c.Kill(i)
	}
}

// PIDs are the process ids of the running servers (0 for a killed one):
// benchmarks read their CPU time from /proc.
func (c *Cluster) PIDs() []int {
	out := make([]int, len(c.procs))
	for i, p := range c.procs {
		if p != nil && p.Process != nil {
			out[i] = p.Process.Pid
		}
	}
	return out
}
