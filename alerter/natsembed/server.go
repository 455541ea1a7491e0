package natsembed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/internal/diskspace"
)

// Config says where the embedded server keeps its data and listens.
type Config struct {
	// DataDir holds the JetStream store (in DataDir/jetstream). It is
	// created if missing and must be writable. Required.
	DataDir string
	// Host to listen on; default 127.0.0.1.
	Host string
	// Port to listen on; 0 or -1 picks a free port (for tests).
	Port int
	// NoListen opens no network listener at all: clients connect in-process
	// through Server.Connect.
	NoListen bool
	// Name is the server name; default "earshot".
	Name string
	// MaxStore limits JetStream file storage in bytes. 0 takes the size
	// of the file system holding DataDir: nats-server's own default, 75%
	// of the space free at start, shrinks with every restart on a filling
	// disk until the streams' reservations exceed it and no stream can even
	// be opened again ("insufficient storage resources"). A full disk is
	// handled where it happens (heal.go).
	MaxStore int64
	// SyncAlways fsyncs every JetStream write before it is acknowledged.
	// Without it the store fsyncs every two minutes (nats-server default)
	// and an acknowledged alert survives a process crash but not a power cut.
	SyncAlways bool
	// Logger receives the server's logs; default slog.Default().
	Logger *slog.Logger
	// Debug and Trace turn on nats-server debug and protocol-trace logs.
	Debug, Trace bool
	// ReadyTimeout bounds the wait for the server to come up; default 10s.
	ReadyTimeout time.Duration
	// Auth is the installation whose operator the server trusts; every
	// client authenticates as one of its users. Required: the embedded
	// server never runs without authentication.
	Auth *natsauth.Authority
	// TLS, if CertFile is set, makes the listener require TLS.
	TLS TLS
	// CheckEvery is how often the watchdog reads the server's health
	// (heal.go); default 1 s.
	CheckEvery time.Duration
	// MinFree is the free space under DataDir the watchdog waits for
	// before it restarts JetStream after a write error; default 4 MiB.
	MinFree uint64
}

// TLS configures the client listener's certificate.
type TLS struct {
	CertFile, KeyFile string
	// CAFile, if set, makes the server demand a client certificate signed
	// by this CA (mutual TLS) besides the user's credentials.
	CAFile string
}

// Server is a running embedded NATS server, and its watchdog: it heals
// JetStream after a write error once there is room (heal.go), and finds
// what was lost at rest (ledger.go).
//
// Locks: health.mu and lmu are never held together.
type Server struct {
	ns    *server.Server
	cfg   Config
	jsCfg server.JetStreamConfig // as first enabled, for restarts

	health  health  // health.go
	healing healing // heal.go: the watchdog's own

	stop, watched chan struct{}
	once          sync.Once

	lmu    sync.Mutex
	losses []Loss                  // ledger.go, under lmu
	held   map[string]streamRecord // the ledger found at start, under lmu
	// written and ledgerFailing belong to the watchdog (and Shutdown,
	// after it ended).
	written       []byte
	ledgerFailing bool
}

// Start starts the server and returns when it accepts connections with
// JetStream on, or with an error (port taken, data directory unusable,
// ctx done), in which case nothing is left running.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	cfg = withDefaults(cfg)
	if err := checkDataDir(cfg.DataDir); err != nil {
		return nil, fmt.Errorf("natsembed: data dir: %w", err)
	}
	if cfg.Auth == nil {
		return nil, errors.New("natsembed: Config.Auth is required: the embedded server never runs without authentication")
	}
	if err := adoptGlobalStore(cfg.DataDir, cfg.Auth.AccountKey(), cfg.Logger); err != nil {
		return nil, err
	}
	opts, err := options(cfg)
	if err != nil {
		return nil, err
	}
	log := &slogLogger{log: cfg.Logger}
	ns, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("natsembed: new server: %w", err)
	}
	ns.SetLoggerV2(log, cfg.Debug, cfg.Trace, false)
	go ns.Start()
	if err := waitReady(ctx, ns, log, cfg.ReadyTimeout); err != nil {
		ns.Shutdown()
		ns.WaitForShutdown()
		return nil, fmt.Errorf("natsembed: start %s: %w", cfg.addr(), err)
	}
	s := &Server{ns: ns, cfg: cfg, stop: make(chan struct{}), watched: make(chan struct{})}
	if jc := ns.JetStreamConfig(); jc != nil {
		s.jsCfg = *jc
	}
	s.audit()
	go s.watch()
	return s, nil
}

func withDefaults(cfg Config) Config {
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.Port <= 0 {
		cfg.Port = server.RANDOM_PORT
	}
	if cfg.Name == "" {
		cfg.Name = "earshot"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.ReadyTimeout <= 0 {
		cfg.ReadyTimeout = 10 * time.Second
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = DefaultCheckEvery
	}
	if cfg.MinFree == 0 {
		cfg.MinFree = DefaultMinFree
	}
	return cfg
}

func (c Config) addr() string {
	if c.NoListen {
		return "in-process"
	}
	return net.JoinHostPort(c.Host, strconv.Itoa(c.Port))
}

func options(cfg Config) (*server.Options, error) {
	opts := &server.Options{
		ServerName:        cfg.Name,
		Host:              cfg.Host,
		Port:              cfg.Port,
		DontListen:        cfg.NoListen,
		JetStream:         true,
		StoreDir:          cfg.DataDir,
		JetStreamMaxStore: maxStore(cfg),
		SyncAlways:        cfg.SyncAlways,
		NoSigs:            true,
		NoLog:             true,
	}
	if err := trust(opts, cfg.Auth); err != nil {
		return nil, err
	}
	if err := listenTLS(opts, cfg.TLS); err != nil {
		return nil, err
	}
	return opts, nil
}

func maxStore(cfg Config) int64 {
	if cfg.MaxStore > 0 {
		return cfg.MaxStore
	}
	if total, err := diskspace.Total(cfg.DataDir); err == nil && total > 0 && total < math.MaxInt64 {
		return int64(total)
	}
	return 0 // unknown here: nats-server's estimate
}

// checkDataDir creates dir if needed and proves it is writable, so a bad
// path fails here with a plain error instead of deep inside JetStream.
func checkDataDir(dir string) error {
	if dir == "" {
		return errors.New("empty DataDir")
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("not writable: %w", err)
	}
	name := f.Name()
	_ = f.Close()
	return os.Remove(filepath.Clean(name))
}

// waitReady polls until the server is ready, it logged a fatal error, or
// ctx or timeout runs out.
func waitReady(ctx context.Context, ns *server.Server, log *slogLogger, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		if err := log.fatalErr(); err != nil {
			return err
		}
		if ns.ReadyForConnections(50*time.Millisecond) && ns.JetStreamEnabled() {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %s", timeout)
		}
	}
}

// StoreLimit is JetStream's file storage limit (Config.MaxStore, or the
// size of the data dir's file system): what every stream's MaxBytes
// together must fit in.
func (s *Server) StoreLimit() int64 { return s.jsCfg.MaxStore }

// ClientURL is the nats:// URL clients dial, or "" with NoListen.
func (s *Server) ClientURL() string {
	if s.cfg.NoListen {
		return ""
	}
	return s.ns.ClientURL()
}

// Connect opens an in-process client connection (no socket, no TLS) as
// the installation's service user; opts may add to or override that. The
// caller closes it.
func (s *Server) Connect(opts ...nats.Option) (*nats.Conn, error) {
	creds, err := s.cfg.Auth.ServiceCreds()
	if err != nil {
		return nil, fmt.Errorf("natsembed: connect: %w", err)
	}
	opts = append([]nats.Option{creds.Option(), nats.InProcessServer(s.ns)}, opts...)
	nc, err := nats.Connect("", opts...)
	if err != nil {
		return nil, fmt.Errorf("natsembed: connect: %w", err)
	}
	return nc, nil
}

// Auth is the authority the server trusts.
func (s *Server) Auth() *natsauth.Authority { return s.cfg.Auth }

// NATS exposes the underlying server for monitoring; do not shut it down
// directly.
func (s *Server) NATS() *server.Server { return s.ns }

// Shutdown stops the server and waits until it has stopped and flushed its
// store, or until ctx is done. It writes down what the streams hold first.
// It is safe to call more than once.
func (s *Server) Shutdown(ctx context.Context) error {
	done := make(chan struct{})
	go func() {
		s.once.Do(func() {
			close(s.stop)
			<-s.watched
			s.record()
		})
		s.ns.Shutdown()
		s.ns.WaitForShutdown()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("natsembed: shutdown: %w", ctx.Err())
	}
}
