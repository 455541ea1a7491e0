package natsauth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"

	"github.com/earshot/earshot/internal/keyfile"
)

// Names of the account and operator as the JWTs carry them.
const (
	OperatorName = "earshot"
	AccountName  = "EARSHOT"
	SystemName   = "SYS"
)

// Files inside the keys directory.
const (
	fileOperator     = "operator.nk"
	fileAccount      = "account.nk"
	fileSystem       = "system.nk"
	fileRoles        = "roles"
	fileServiceCreds = "service.creds"
	fileRevocations  = "revocations.json"
	fileIssued       = "issued.jsonl"
	fileLock         = ".lock"
)

func roleFile(r Role) string { return "role-" + string(r) + ".nk" }

// ErrNoKeys is wrapped by Open when the keys directory is missing and the
// caller did not allow creating it.
var ErrNoKeys = errors.New("no NATS keys")

// Options configure Open.
type Options struct {
	// Create allows creating the whole key set when Dir does not exist yet
	// (a new data dir). An existing Dir is never filled in, except with the
	// key of a role added by a newer earshot (see the roles file).
	Create bool
	// Now is the clock for expiries and revocations; default time.Now.
	Now func() time.Time
}

// Authority holds an installation's keys. It is safe for concurrent use:
// after Open it only reads its keys and appends to its own files.
type Authority struct {
	dir      string
	now      func() time.Time
	created  bool
	operator nkeys.KeyPair
	account  nkeys.KeyPair
	system   nkeys.KeyPair
	roles    map[Role]nkeys.KeyPair
	pub      pubKeys
}

type pubKeys struct{ operator, account, system string }

// Open loads the key set in dir, creating it first if dir is missing and
// opts.Create allows it.
func Open(dir string, opts Options) (*Authority, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	a := &Authority{dir: dir, now: opts.Now, roles: map[Role]nkeys.KeyPair{}}
	if !keyfile.Exists(dir) && !opts.Create {
		return nil, fmt.Errorf("natsauth: %s: %w", dir, ErrNoKeys)
	}
	if err := keyfile.EnsureDir(dir); err != nil {
		return nil, fmt.Errorf("natsauth: %w", err)
	}
	unlock, err := lock(filepath.Join(dir, fileLock))
	if err != nil {
		return nil, err
	}
	defer unlock()
	// Under the lock: an empty dir (ours just now, or one left by a start
	// that stopped before writing a key) may be filled; anything else is an
	// existing key set, complete or not.
	empty, err := onlyLock(dir)
	if err != nil {
		return nil, err
	}
	a.created = empty && opts.Create
	if err := a.loadIdentities(); err != nil {
		return nil, err
	}
	if err := a.loadRoles(); err != nil {
		return nil, err
	}
	if err := a.derivePublicKeys(); err != nil {
		return nil, err
	}
	return a, nil
}

// lock takes an exclusive advisory lock on path, so two processes opening
// one new data dir create one key set between them.
func lock(path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("natsauth: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("natsauth: locking %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		_ = f.Close()
	}, nil
}

func (a *Authority) loadIdentities() error {
	for _, k := range []struct {
		file   string
		prefix nkeys.PrefixByte
		dst    *nkeys.KeyPair
	}{
		{fileOperator, nkeys.PrefixByteOperator, &a.operator},
		{fileAccount, nkeys.PrefixByteAccount, &a.account},
		{fileSystem, nkeys.PrefixByteAccount, &a.system},
	} {
		kp, err := a.key(k.file, k.prefix, a.created)
		if err != nil {
			return err
		}
		*k.dst = kp
	}
	return nil
}

// loadRoles loads each role's signing key. The roles file lists the roles
// whose keys were created in this dir: such a key going missing is an
// error, while a role this dir has never seen (added by a newer earshot)
// gets its key now.
func (a *Authority) loadRoles() error {
	known, err := a.knownRoles()
	if err != nil {
		return err
	}
	var added []string
	for _, r := range Roles() {
		mayCreate := a.created || !slices.Contains(known, string(r))
		kp, err := a.key(roleFile(r), nkeys.PrefixByteAccount, mayCreate)
		if err != nil {
			return err
		}
		a.roles[r] = kp
		if !slices.Contains(known, string(r)) {
			added = append(added, string(r))
		}
	}
	if len(added) == 0 {
		return nil
	}
	if err := keyfile.Append(filepath.Join(a.dir, fileRoles), []byte(strings.Join(added, "\n")+"\n")); err != nil {
		return fmt.Errorf("natsauth: recording roles: %w", err)
	}
	return nil
}

func (a *Authority) knownRoles() ([]string, error) {
	data, err := keyfile.Read(filepath.Join(a.dir, fileRoles))
	if errors.Is(err, keyfile.ErrMissing) {
		if a.created {
			return nil, nil
		}
		return nil, fmt.Errorf("natsauth: %s/%s is missing: the key set is incomplete, restore it from a backup", a.dir, fileRoles)
	}
	if err != nil {
		return nil, fmt.Errorf("natsauth: %w", err)
	}
	return strings.Fields(string(data)), nil
}

// key loads one seed file, or creates it when allowed.
func (a *Authority) key(file string, prefix nkeys.PrefixByte, mayCreate bool) (nkeys.KeyPair, error) {
	path := filepath.Join(a.dir, file)
	kp, err := keyfile.ReadSeed(path)
	if errors.Is(err, keyfile.ErrMissing) && mayCreate {
		kp, err = keyfile.CreateSeed(path, prefix)
	} else if errors.Is(err, keyfile.ErrMissing) {
		return nil, fmt.Errorf("natsauth: %s is missing: the key set is incomplete; restore it from a backup (it is never regenerated: that would lock out every credential handed out)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("natsauth: %w", err)
	}
	got, err := kp.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("natsauth: %s: %w", path, err)
	}
	if !nkeys.IsValidPublicKey(got) || got[0] != pubPrefixChar(prefix) {
		return nil, fmt.Errorf("natsauth: %s holds a key of the wrong kind (%c..., want %c...)", path, got[0], pubPrefixChar(prefix))
	}
	return kp, nil
}

func pubPrefixChar(p nkeys.PrefixByte) byte {
	switch p {
	case nkeys.PrefixByteOperator:
		return 'O'
	case nkeys.PrefixByteAccount:
		return 'A'
	case nkeys.PrefixByteUser:
		return 'U'
	}
	return '?'
}

func (a *Authority) derivePublicKeys() error {
	var err error
	pk := func(kp nkeys.KeyPair) string {
		if err != nil {
			return ""
		}
		var s string
		s, err = kp.PublicKey()
		return s
	}
	a.pub = pubKeys{operator: pk(a.operator), account: pk(a.account), system: pk(a.system)}
	if err != nil {
		return fmt.Errorf("natsauth: %w", err)
	}
	return nil
}

// Created reports whether this Open created the key set (a new data dir).
func (a *Authority) Created() bool { return a.created }

// Dir is the keys directory.
func (a *Authority) Dir() string { return a.dir }

// AccountKey is the public key of the EARSHOT account: its JetStream store
// lives in <store>/jetstream/<AccountKey>.
func (a *Authority) AccountKey() string { return a.pub.account }

// SystemAccountKey is the public key of the system account.
func (a *Authority) SystemAccountKey() string { return a.pub.system }

// Operator returns the operator's claims, signed by itself, for a server's
// trusted operators.
func (a *Authority) Operator() (*jwt.OperatorClaims, error) {
	oc := jwt.NewOperatorClaims(a.pub.operator)
	oc.Name = OperatorName
	oc.SystemAccount = a.pub.system
	token, err := oc.Encode(a.operator)
	if err != nil {
		return nil, fmt.Errorf("natsauth: operator JWT: %w", err)
	}
	// Decode what was signed so the caller holds exactly the token's claims.
	return jwt.DecodeOperatorClaims(token)
}

// OperatorJWT is the operator's self-signed JWT: what a standalone
// nats-server's `operator:` setting takes (a cluster of servers started
// from the Go module, cluster/clustertest and scripts/demo-cluster.sh).
func (a *Authority) OperatorJWT() (string, error) {
	oc := jwt.NewOperatorClaims(a.pub.operator)
	oc.Name = OperatorName
	oc.SystemAccount = a.pub.system
	token, err := oc.Encode(a.operator)
	if err != nil {
		return "", fmt.Errorf("natsauth: operator JWT: %w", err)
	}
	return token, nil
}

// AccountJWTs returns the account JWTs a server resolves, by public key:
// EARSHOT (JetStream on, the role scopes, the revocations) and SYS.
func (a *Authority) AccountJWTs() (map[string]string, error) {
	acc, err := a.accountJWT()
	if err != nil {
		return nil, err
	}
	sc := jwt.NewAccountClaims(a.pub.system)
	sc.Name = SystemName
	sys, err := sc.Encode(a.operator)
	if err != nil {
		return nil, fmt.Errorf("natsauth: system account JWT: %w", err)
	}
	return map[string]string{a.pub.account: acc, a.pub.system: sys}, nil
}

func (a *Authority) accountJWT() (string, error) {
	ac := jwt.NewAccountClaims(a.pub.account)
	ac.Name = AccountName
	ac.Limits.JetStreamLimits = jwt.JetStreamLimits{
		MemoryStorage: jwt.NoLimit, DiskStorage: jwt.NoLimit, Streams: jwt.NoLimit,
		Consumer: jwt.NoLimit, MaxAckPending: jwt.NoLimit,
	}
	// A user signed by the account's own key (earshot never mints one)
	// gets nothing: every real user comes from a role's scoped key.
	ac.DefaultPermissions.Pub.Deny.Add(">")
	ac.DefaultPermissions.Sub.Deny.Add(">")
	for r, kp := range a.roles {
		pub, err := kp.PublicKey()
		if err != nil {
			return "", fmt.Errorf("natsauth: %w", err)
		}
		ac.SigningKeys.AddScopedSigner(r.scope(pub))
	}
	revs, err := a.revocations()
	if err != nil {
		return "", err
	}
	for key, at := range revs {
		ac.RevokeAt(key, time.Unix(at, 0))
	}
	token, err := ac.Encode(a.operator)
	if err != nil {
		return "", fmt.Errorf("natsauth: account JWT: %w", err)
	}
	return token, nil
}

// onlyLock reports whether dir holds nothing but the lock file.
func onlyLock(dir string) (bool, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return false, fmt.Errorf("natsauth: %w", err)
	}
	for _, e := range ents {
		if e.Name() != fileLock {
			return false, nil
		}
	}
	return true, nil
}

// KeysDir is where an earshot data dir keeps its NATS keys.
func KeysDir(dataDir string) string { return filepath.Join(dataDir, "keys", "nats") }
