package natsembed

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nats-server/v2/server"

	"github.com/earshot/earshot/alerter/natsauth"
)

// trust puts the server in operator mode: it trusts auth's operator and
// resolves the EARSHOT and SYS accounts from memory. Revocations reach a
// running server as signed account updates on the system account
// (natsauth.Authority.Push) and are rebuilt from the keys dir at start.
func trust(opts *server.Options, auth *natsauth.Authority) error {
	op, err := auth.Operator()
	if err != nil {
		return err
	}
	accounts, err := auth.AccountJWTs()
	if err != nil {
		return err
	}
	res := &server.MemAccResolver{}
	for pub, token := range accounts {
		if err := res.Store(pub, token); err != nil {
			return fmt.Errorf("natsembed: account %s: %w", pub, err)
		}
	}
	opts.TrustedOperators = []*jwt.OperatorClaims{op}
	opts.SystemAccount = auth.SystemAccountKey()
	opts.AccountResolver = res
	return nil
}

// listenTLS turns on TLS for the client listener.
func listenTLS(opts *server.Options, t TLS) error {
	if t.CertFile == "" && t.KeyFile == "" && t.CAFile == "" {
		return nil
	}
	if t.CertFile == "" || t.KeyFile == "" {
		return errors.New("natsembed: TLS needs both a certificate and a key file")
	}
	tc, err := server.GenTLSConfig(&server.TLSConfigOpts{
		CertFile: t.CertFile, KeyFile: t.KeyFile, CaFile: t.CAFile, Verify: t.CAFile != "",
	})
	if err != nil {
		return fmt.Errorf("natsembed: TLS: %w", err)
	}
	opts.TLSConfig = tc
	opts.TLS = true
	opts.TLSVerify = t.CAFile != ""
	opts.TLSTimeout = 2
	return nil
}

// globalAccount is where an unauthenticated server keeps JetStream data.
const globalAccount = "$G"

// adoptGlobalStore moves the JetStream store an earshot without
// authentication kept under the global account into the EARSHOT account,
// once, so alerts, lexicon versions and dispositions survive the upgrade
// instead of being hidden behind an empty account.
// A store of any other account means the keys are not this store's:
// starting would show empty streams, so it is an error.
func adoptGlobalStore(dataDir, account string, log *slog.Logger) error {
	accounts, err := StoreAccounts(dataDir)
	if err != nil {
		return err
	}
	for _, a := range accounts {
		if a != account && a != globalAccount {
			return fmt.Errorf("natsembed: the JetStream store in %s belongs to account %s, but the keys are of account %s: restore this data dir's own keys", dataDir, a, account)
		}
	}
	js := filepath.Join(dataDir, "jetstream")
	from, to := filepath.Join(js, globalAccount), filepath.Join(js, account)
	if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if _, err := os.Stat(to); err == nil {
		log.Warn("JetStream data of an unauthenticated earshot left in place: the account already has a store",
			"left", from, "store", to)
		return nil
	}
	if err := os.Rename(from, to); err != nil {
		return fmt.Errorf("natsembed: moving the unauthenticated JetStream store into account %s: %w", account, err)
	}
	log.Warn("moved the JetStream store of an unauthenticated earshot into the EARSHOT account", "account", account)
	return nil
}

// StoreAccounts lists the accounts that have JetStream data under dataDir
// (the global account of an unauthenticated server included).
func StoreAccounts(dataDir string) ([]string, error) {
	ents, err := os.ReadDir(filepath.Join(dataDir, "jetstream"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("natsembed: %w", err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// IsGlobalAccount reports whether name is the global account an
// unauthenticated server stores JetStream data under.
func IsGlobalAccount(name string) bool { return name == globalAccount }
