package natsembed

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/internal/testutil"
)

// authority is a fresh key set for one test (natstest imports this
// package, so its tests build their own).
func authority(t *testing.T) *natsauth.Authority {
	t.Helper()
	a, err := natsauth.Open(filepath.Join(t.TempDir(), "keys"), natsauth.Options{Create: true})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func start(t *testing.T, cfg Config) *Server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if cfg.Logger == nil {
		cfg.Logger = testutil.Quiet()
	}
	if cfg.Auth == nil {
		cfg.Auth = authority(t)
	}
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

func TestStartModes(t *testing.T) {
	tests := []struct {
		name     string
		noListen bool
	}{
		{"random port", false},
		{"in-process only", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := start(t, Config{DataDir: t.TempDir(), Port: -1, NoListen: tt.noListen})
			if got := s.ClientURL(); (got == "") != tt.noListen {
				t.Fatalf("ClientURL = %q with NoListen=%v", got, tt.noListen)
			}
			nc, err := s.Connect()
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			js, err := jetstream.New(nc)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			if _, err := js.AccountInfo(ctx); err != nil {
				t.Fatalf("JetStream not usable: %v", err)
			}
		})
	}
}

func TestStartErrors(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = l.Close() }()
	taken := l.Addr().(*net.TCPAddr).Port

	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"port taken", Config{DataDir: t.TempDir(), Port: taken}, strconv.Itoa(taken)},
		{"dir is a file", Config{DataDir: file}, "data dir"},
		{"dir under a file", Config{DataDir: filepath.Join(file, "sub")}, "data dir"},
		{"no dir", Config{}, "empty DataDir"},
		{"no authority", Config{DataDir: t.TempDir()}, "Auth is required"},
		{"TLS without key", Config{DataDir: t.TempDir(), TLS: TLS{CertFile: "x.pem"}}, "certificate and a key"},
	}
	auth := authority(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.Logger = testutil.Quiet()
			if tt.name != "no authority" {
				tt.cfg.Auth = auth
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			s, err := Start(ctx, tt.cfg)
			if err == nil {
				_ = s.Shutdown(ctx)
				t.Fatal("Start succeeded")
			}
			t.Logf("error: %v", err)
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestShutdownIdempotent(t *testing.T) {
	s := start(t, Config{DataDir: t.TempDir()})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for range 2 {
		if err := s.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLogsGoToSlog(t *testing.T) {
	var b strings.Builder
	log := slog.New(slog.NewTextHandler(&syncWriter{b: &b}, nil))
	s := start(t, Config{DataDir: t.TempDir(), Logger: log})
	_ = s.Shutdown(context.Background())
	if !strings.Contains(b.String(), "Server is ready") {
		t.Fatalf("no server log in slog output:\n%s", b.String())
	}
}

func TestNoGoroutinesLeftAfterShutdown(t *testing.T) {
	settled := testutil.LeakCheck(t, 0)
	for _, noListen := range []bool{false, true} {
		s, err := Start(context.Background(), Config{DataDir: t.TempDir(), NoListen: noListen, Logger: testutil.Quiet(), Auth: authority(t)})
		if err != nil {
			t.Fatal(err)
		}
		nc, err := s.Connect()
		if err != nil {
			t.Fatal(err)
		}
		nc.Close()
		if err := s.Shutdown(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	settled()
}
