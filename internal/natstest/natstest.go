package natstest

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/testutil"
)

// Authority creates a fresh key set in a temporary dir.
func Authority(t testing.TB) *natsauth.Authority {
	t.Helper()
	a, err := natsauth.Open(filepath.Join(t.TempDir(), "keys"), natsauth.Options{Create: true})
	if err != nil {
		t.Fatalf("natstest: %v", err)
	}
	return a
}

// Start runs an embedded server (random port, JetStream in dir, or a temp
// dir when dir is "") with a fresh authority, shut down when the test ends.
// mutate, if given, adjusts the config before the start.
func Start(t testing.TB, dir string, mutate ...func(*natsembed.Config)) *natsembed.Server {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	cfg := natsembed.Config{DataDir: dir, Port: -1, Logger: testutil.Quiet()}
	for _, m := range mutate {
		m(&cfg)
	}
	if cfg.Auth == nil {
		a, err := natsauth.Open(filepath.Join(dir, "keys"), natsauth.Options{Create: true})
		if err != nil {
			t.Fatalf("natstest: %v", err)
		}
		cfg.Auth = a
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s, err := natsembed.Start(ctx, cfg)
	if err != nil {
		t.Fatalf("natstest: starting the embedded server: %v", err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

// DataDir opens the authority of an earshot data dir that `earshot serve`
// (app.Start) has already initialized.
func DataDir(t testing.TB, dataDir string) *natsauth.Authority {
	t.Helper()
	a, err := natsauth.Open(natsauth.KeysDir(dataDir), natsauth.Options{})
	if err != nil {
		t.Fatalf("natstest: %v", err)
	}
	return a
}

// Mint mints credentials for u.
func Mint(t testing.TB, a *natsauth.Authority, u natsauth.User) natsauth.Creds {
	t.Helper()
	c, err := a.Mint(u)
	if err != nil {
		t.Fatalf("natstest: minting %s creds: %v", u.Role, err)
	}
	return c
}

// Connect dials url as u, like another process would, and closes the
// connection when the test ends.
func Connect(t testing.TB, url string, a *natsauth.Authority, u natsauth.User, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := Dial(url, Mint(t, a, u), opts...)
	if err != nil {
		t.Fatalf("natstest: connecting as %s: %v", u.Role, err)
	}
	t.Cleanup(nc.Close)
	return nc
}

// Dial connects with creds and returns the error, for tests that expect
// a refusal.
func Dial(url string, c natsauth.Creds, opts ...nats.Option) (*nats.Conn, error) {
	first := []nats.Option{c.Option(), nats.Timeout(5 * time.Second), nats.MaxReconnects(0)}
	if p := c.InboxPrefix(); p != "" {
		first = append(first, nats.CustomInboxPrefix(p)) // as earshot's own clients connect
	}
	opts = append(first, opts...)
	return nats.Connect(url, opts...)
}

// Service connects to the server's listener as the service user.
func Service(t testing.TB, s *natsembed.Server, opts ...nats.Option) *nats.Conn {
	t.Helper()
	return Connect(t, s.ClientURL(), s.Auth(), natsauth.Service(), opts...)
}

// CredsFile writes u's .creds file (mode 0600) into a temp dir and returns
// its path, for tools that read files (nats --creds, --nats-creds).
func CredsFile(t testing.TB, a *natsauth.Authority, u natsauth.User) string {
	t.Helper()
	data, err := Mint(t, a, u).File()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), string(u.Role)+".creds")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// InProcess connects to s in-process as the service user, the connection
// earshot serve's own stages use, and closes it when the test ends.
func InProcess(t testing.TB, s *natsembed.Server, opts ...nats.Option) *nats.Conn {
	t.Helper()
	nc, err := s.Connect(opts...)
	if err != nil {
		t.Fatalf("natstest: connecting in-process: %v", err)
	}
	t.Cleanup(nc.Close)
	return nc
}
