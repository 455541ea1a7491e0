package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nkeys"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/config"
)

// connectNATS starts the embedded server (with authentication, always) and
// connects to it in-process as the service user, or connects to the
// external cluster of nats.url with nats.creds_file.
func (s *Service) connectNATS(ctx context.Context) error {
	if s.cfg.NATS.URL != "" {
		return s.connectExternal()
	}
	host, portStr, _ := net.SplitHostPort(s.cfg.NATS.Listen)
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return fmt.Errorf("nats.listen %q: bad port", s.cfg.NATS.Listen)
	}
	storeDir := filepath.Join(s.cfg.DataDir, "nats")
	if s.natsKey, err = OpenNATSKeys(s.cfg.DataDir); err != nil {
		return err
	}
	if s.natsKey.Created() {
		s.log.Info("created the NATS keys of this data dir", "dir", s.natsKey.Dir(), "account", s.natsKey.AccountKey())
	}
	t := s.cfg.NATS.TLS
	s.nats, err = natsembed.Start(ctx, natsembed.Config{
		DataDir: storeDir, Host: host, Port: port, Logger: s.log, Auth: s.natsKey,
		TLS: natsembed.TLS{CertFile: t.CertFile, KeyFile: t.KeyFile, CAFile: t.CAFile},
	})
	if err != nil {
		return err
	}
	s.nc, err = s.nats.Connect(nats.Name("earshot"), nats.MaxReconnects(-1), s.natsErrors())
	return err
}

func (s *Service) connectExternal() error {
	// RetryOnFailedConnect: a node starts while NATS is down and finishes
	// its start-up when it answers (startup.go awaits it).
	// The connection is named by its roles, so the servers' monitoring
	// (connz) and a permissions violation in their logs name the role.
	opts := append([]nats.Option{nats.Name("earshot " + strings.Join(s.cfg.Cluster.Roles, ",")), nats.MaxReconnects(-1), nats.RetryOnFailedConnect(true), s.natsErrors()},
		ClientTLS(s.cfg.NATS.ClientTLS)...)
	if s.cfg.NATS.CredsFile != "" {
		prefix, err := checkCredsFile(s.cfg.NATS.CredsFile)
		if err != nil {
			return err
		}
		opts = append(opts, nats.UserCredentials(s.cfg.NATS.CredsFile))
		if prefix != "" {
			// A node's replies come on its own inbox, which no other
			// user may read (natsauth.NodeInboxTemplate).
			opts = append(opts, nats.CustomInboxPrefix(prefix))
		}
	} else {
		s.log.Warn("connecting to the external NATS without credentials (nats.creds_file is empty)", "url", s.cfg.NATS.URL)
	}
	nc, err := nats.Connect(s.cfg.NATS.URL, opts...)
	if err != nil {
		return fmt.Errorf("connecting to NATS at %s: %w", s.cfg.NATS.URL, err)
	}
	s.nc = nc
	return nil
}

// checkCredsFile reads a .creds file as nats.go will on every connect: a
// user JWT and an nkey seed. nats.go reads it only while connecting, and
// with RetryOnFailedConnect a file that is not creds looked like a NATS
// that is down: the node retried until cluster.startup_timeout. It
// returns the inbox prefix the file's user connects with
// (natsauth.InboxPrefix; "" for nats.go's default).
func checkCredsFile(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("nats.creds_file: %w", err)
	}
	kp, err := nkeys.ParseDecoratedNKey(data)
	if err != nil {
		return "", fmt.Errorf("nats.creds_file %s: no user seed (want a file from `earshot creds`): %w", path, err)
	}
	kp.Wipe()
	tok, err := jwt.ParseDecoratedJWT(data)
	var uc *jwt.UserClaims
	if err == nil {
		uc, err = jwt.DecodeUserClaims(tok)
	}
	if err != nil {
		return "", fmt.Errorf("nats.creds_file %s: no user JWT (want a file from `earshot creds`): %w", path, err)
	}
	for _, t := range uc.Tags {
		if r, ok := strings.CutPrefix(t, "role:"); ok {
			return natsauth.InboxPrefix(natsauth.Role(r), uc.Subject), nil
		}
	}
	return "", nil
}

// OpenNATSKeys opens the NATS keys of an earshot data dir (DATA/keys/nats).
// They are created only when the data dir has never held an authenticated
// JetStream store: a new data dir, or one written by an earshot without
// NATS authentication (its store is then adopted by the new account). Keys
// missing beside an existing store are an error, never regenerated.
func OpenNATSKeys(dataDir string) (*natsauth.Authority, error) {
	accounts, err := natsembed.StoreAccounts(filepath.Join(dataDir, "nats"))
	if err != nil {
		return nil, err
	}
	fresh := !slices.ContainsFunc(accounts, func(a string) bool { return !natsembed.IsGlobalAccount(a) })
	a, err := natsauth.Open(natsauth.KeysDir(dataDir), natsauth.Options{Create: fresh})
	if errors.Is(err, natsauth.ErrNoKeys) {
		return nil, fmt.Errorf("data dir %s holds a JetStream store but its NATS keys are gone: restore %s from a backup (new keys would lock out every credential handed out and hide the store): %w",
			dataDir, natsauth.KeysDir(dataDir), err)
	}
	if err != nil {
		return nil, fmt.Errorf("data dir %s: %w", dataDir, err)
	}
	return a, nil
}

// ClientTLS turns TLS files into nats.go options: the CA of the server's
// certificate (default: the system's roots) and a client certificate for
// mutual TLS. With none set, a tls:// URL or a server requiring TLS still
// gets TLS, verified against the system's roots.
func ClientTLS(t config.TLSFiles) []nats.Option {
	var opts []nats.Option
	if t.CAFile != "" {
		opts = append(opts, nats.RootCAs(t.CAFile))
	}
	if t.CertFile != "" {
		opts = append(opts, nats.ClientCert(t.CertFile, t.KeyFile))
	}
	return opts
}

// NATSURL is the URL other processes use to reach this service's NATS.
func (s *Service) NATSURL() string {
	if s.nats != nil {
		return s.nats.ClientURL()
	}
	return s.cfg.NATS.URL
}

// NATSAuth is the embedded server's authority (nil with an external
// cluster): `earshot creds` and tests mint users with it.
func (s *Service) NATSAuth() *natsauth.Authority { return s.natsKey }

// natsErrors sends the connection's asynchronous errors (a consumer lost
// while JetStream restarts, a slow consumer) to the service log instead of
// nats.go's default, standard error.
func (s *Service) natsErrors() nats.Option {
	return nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
		subject := ""
		if sub != nil {
			subject = sub.Subject
		}
		s.log.Warn("nats: asynchronous error", "subject", subject, "err", err)
	})
}
