package auth

import (
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/golang-jwt/jwt/v5"

	"github.com/earshot/earshot/internal/keyfile"
)

// Files of the keys directory.
const (
	SigningKeyFile = "signing.key"
	PublicKeyFile  = "signing.pub"
)

// KeysDir is where an earshot data dir keeps its HTTP token keys.
func KeysDir(dataDir string) string { return filepath.Join(dataDir, "keys", "http") }

// ErrNoKeys is wrapped by Open when the keys directory does not exist and
// the caller did not allow creating it.
var ErrNoKeys = errors.New("no HTTP token keys")

// Keys are an installation's token keys: a Signer when this node holds the
// private key, and the Verifier of every trusted public key.
type Keys struct {
	Signer   *Signer // nil on a verify-only node
	Verifier *Verifier
	created  bool
	dir      string
}

// Created reports whether Open created the keys (a new data dir).
func (k *Keys) Created() bool { return k.created }

// Dir is the keys directory.
func (k *Keys) Dir() string { return k.dir }

// OpenOptions configure Open.
type OpenOptions struct {
	// Create allows creating a key pair when the directory is missing.
	Create bool
	// Trusted are more PEM public key files to accept tokens of (other
	// installations, the previous key during a rotation). With Trusted and
	// no keys directory, the node verifies but cannot mint.
	Trusted []string
}

// Open loads the keys in dir: signing.key and its signing.pub, or
// signing.pub alone (a node that verifies only), plus opts.Trusted.
func Open(dir string, opts OpenOptions) (*Keys, error) {
	k := &Keys{dir: dir}
	var pubs []ed25519.PublicKey
	for _, f := range opts.Trusted {
		p, err := ReadPublicKey(f)
		if err != nil {
			return nil, err
		}
		pubs = append(pubs, p)
	}
	switch {
	case keyfile.Exists(dir) && !(opts.Create && emptyDir(dir)):
	case opts.Create:
		if err := create(dir); err != nil {
			return nil, err
		}
		k.created = true
	case len(pubs) > 0:
		k.Verifier = NewVerifier(pubs...)
		return k, nil
	default:
		return nil, fmt.Errorf("auth: %s: %w", dir, ErrNoKeys)
	}
	if err := keyfile.EnsureDir(dir); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	signer, err := readSigner(filepath.Join(dir, SigningKeyFile))
	if err != nil && !errors.Is(err, keyfile.ErrMissing) {
		return nil, err
	}
	pubPath := filepath.Join(dir, PublicKeyFile)
	pub, perr := ReadPublicKey(pubPath)
	switch {
	case signer == nil && perr != nil:
		return nil, fmt.Errorf("auth: %s holds neither %s nor a readable %s (%v): restore the keys from a backup; they are never regenerated, since new keys would invalidate every token handed out",
			dir, SigningKeyFile, PublicKeyFile, perr)
	case signer != nil && perr == nil && !pub.Equal(signer.Public()):
		return nil, fmt.Errorf("auth: %s is not the public key of %s", pubPath, SigningKeyFile)
	case signer != nil:
		pub = signer.Public()
	}
	k.Signer = signer
	k.Verifier = NewVerifier(append(pubs, pub)...)
	return k, nil
}

// emptyDir: a directory left by a start that stopped before writing a key
// may be filled.
func emptyDir(dir string) bool {
	ents, err := os.ReadDir(dir)
	return err == nil && len(ents) == 0
}

// create makes a new key pair in a new directory. O_EXCL on the private
// key: of two processes creating one data dir, the second reads the
// first's key.
func create(dir string) error {
	if err := keyfile.EnsureDir(dir); err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	err = keyfile.Create(filepath.Join(dir, SigningKeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("auth: %w", err)
	}
	pubPEM, err := PublicKeyPEM(pub)
	if err != nil {
		return err
	}
	if err := keyfile.Create(filepath.Join(dir, PublicKeyFile), pubPEM); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("auth: %w", err)
	}
	return nil
}

func readSigner(path string) (*Signer, error) {
	data, err := keyfile.Read(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	key, err := jwt.ParseEdPrivateKeyFromPEM(data)
	if err != nil {
		return nil, fmt.Errorf("auth: %s does not hold an Ed25519 private key (PKCS#8 PEM): %w", path, err)
	}
	return NewSigner(key.(ed25519.PrivateKey)), nil
}

// ReadPublicKey reads an Ed25519 public key (PKIX PEM), such as another
// node's signing.pub.
func ReadPublicKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	key, err := jwt.ParseEdPublicKeyFromPEM(data)
	if err != nil {
		return nil, fmt.Errorf("auth: %s does not hold an Ed25519 public key (PKIX PEM): %w", path, err)
	}
	return key.(ed25519.PublicKey), nil
}

// PublicKeyPEM encodes pub as PKIX PEM.
func PublicKeyPEM(pub ed25519.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

// KeyID is the RFC 7638 JWK thumbprint of pub, the "kid" of its tokens.
func KeyID(pub ed25519.PublicKey) string {
	jwk := `{"crv":"Ed25519","kty":"OKP","x":"` + base64.RawURLEncoding.EncodeToString(pub) + `"}`
	sum := sha256.Sum256([]byte(jwk))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}
