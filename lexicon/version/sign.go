package version

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
)

// ErrRefused is wrapped by every error about a version record that is not
// signed by a trusted key: unsigned (written straight into the bucket, or
// by an earshot from before signing), signed by another key, or altered.
var ErrRefused = errors.New("lexicon version record refused")

// ErrCannotSign: this node holds only public keys and cannot publish.
var ErrCannotSign = errors.New("no lexicon signing key on this node")

// recordFormat names the signed envelope; a record without it is unsigned.
const recordFormat = "earshot-lexicon-version/1"

// sigContext is prepended to the payload before signing, so a signature
// made for a lexicon version is never valid for anything else.
const sigContext = "earshot lexicon version\x00"

// envelope is what the bucket stores for a version: the Version's JSON as
// signed (base64, so no JSON re-encoding can change a byte of it), the
// signer's public key and the ed25519 signature.
type envelope struct {
	Format  string `json:"format"`
	Key     string `json:"key"`
	Sig     []byte `json:"sig"`
	Payload []byte `json:"payload"`
}

// Keys sign and verify version records with ed25519 nkeys. The API node
// that publishes holds the seed; a node that only follows versions may
// hold public keys alone. Several trusted keys allow a key rotation.
type Keys struct {
	signer  nkeys.KeyPair
	pub     string
	trusted map[string]nkeys.KeyPair
}

// NewKeys trusts signer's key and the given public keys; signer may be nil
// on a node that never publishes.
func NewKeys(signer nkeys.KeyPair, trusted ...string) (*Keys, error) {
	k := &Keys{trusted: map[string]nkeys.KeyPair{}}
	if signer != nil {
		if _, err := signer.Seed(); err != nil {
			return nil, fmt.Errorf("version: signing key has no seed: %w", err)
		}
		pub, err := signer.PublicKey()
		if err != nil {
			return nil, fmt.Errorf("version: signing key: %w", err)
		}
		k.signer, k.pub = signer, pub
		k.trusted[pub] = signer
	}
	for _, t := range trusted {
		kp, err := nkeys.FromPublicKey(t)
		if err != nil {
			return nil, fmt.Errorf("version: trusted key %q: %w", t, err)
		}
		k.trusted[t] = kp
	}
	if len(k.trusted) == 0 {
		return nil, errors.New("version: no signing or trusted key")
	}
	return k, nil
}

// SigningKey is the public key this node signs with, "" if it cannot sign.
func (k *Keys) SigningKey() string { return k.pub }

// seal signs v's JSON into an envelope, gzipped like every record.
func (k *Keys) seal(v Version) ([]byte, error) {
	if k.signer == nil {
		return nil, ErrCannotSign
	}
	payload, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("version: encoding: %w", err)
	}
	sig, err := k.signer.Sign(append([]byte(sigContext), payload...))
	if err != nil {
		return nil, fmt.Errorf("version: signing: %w", err)
	}
	return encode(envelope{Format: recordFormat, Key: k.pub, Sig: sig, Payload: payload})
}

// open verifies a stored record and returns its Version. Every failure
// wraps ErrRefused: whatever does not verify was not written by an API
// node, garbage included.
func (k *Keys) open(data []byte) (Version, error) {
	env, err := readEnvelope(data)
	if err != nil {
		return Version{}, err
	}
	kp, ok := k.trusted[env.Key]
	if !ok {
		return Version{}, fmt.Errorf("%w: signed by %s, which this node does not trust (it trusts %s)", ErrRefused, env.Key, k.trustedList())
	}
	if err := kp.Verify(append([]byte(sigContext), env.Payload...), env.Sig); err != nil {
		return Version{}, fmt.Errorf("%w: the signature of %s does not verify (the record was altered)", ErrRefused, env.Key)
	}
	var v Version
	if err := json.Unmarshal(env.Payload, &v); err != nil {
		return Version{}, fmt.Errorf("version: decoding a signed record: %w", err)
	}
	return v, nil
}

func (k *Keys) trustedList() string {
	s := ""
	for pub := range k.trusted {
		if s != "" {
			s += ", "
		}
		s += pub
	}
	return s
}

// readEnvelope decodes a record's envelope without verifying it.
func readEnvelope(data []byte) (envelope, error) {
	var env envelope
	if err := decode(data, &env); err != nil {
		return envelope{}, fmt.Errorf("%w: %w", ErrRefused, err)
	}
	switch {
	case env.Format == "":
		return envelope{}, fmt.Errorf("%w: not signed (written straight into %s, or before versions were signed)", ErrRefused, Bucket)
	case env.Format != recordFormat:
		return envelope{}, fmt.Errorf("%w: unknown record format %q", ErrRefused, env.Format)
	case env.Key == "" || len(env.Sig) == 0:
		return envelope{}, fmt.Errorf("%w: no signature", ErrRefused)
	}
	return env, nil
}

// ActiveSigner reports who signed the bucket's active version, without
// verifying: "" for an unsigned record, ErrEmpty when there is no bucket
// or no active version. A node deciding whether it may create a signing
// key asks this first: a bucket already signed by a key needs that key.
func ActiveSigner(ctx context.Context, js jetstream.JetStream) (string, error) {
	kv, err := js.KeyValue(ctx, Bucket)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return "", ErrEmpty
	}
	if err != nil {
		return "", fmt.Errorf("version: opening bucket %s: %w", Bucket, err)
	}
	e, err := kv.Get(ctx, keyActive)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return "", ErrEmpty
	}
	if err != nil {
		return "", fmt.Errorf("version: reading active: %w", err)
	}
	env, err := readEnvelope(e.Value())
	if errors.Is(err, ErrRefused) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return env.Key, nil
}

// legacy decodes a record written before versions were signed.
func legacy(data []byte) (Version, error) {
	var v Version
	if err := decode(data, &v); err != nil {
		return Version{}, err
	}
	if v.Number <= 0 || Hash([]byte(v.YAML)) != v.Hash {
		return Version{}, errors.New("version: not an intact unsigned version record")
	}
	return v, nil
}
