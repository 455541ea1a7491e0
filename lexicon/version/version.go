package version

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Version is one published lexicon version. It is never modified after it
// is published.
type Version struct {
	Number      int       `json:"version"`
	Name        string    `json:"name"`
	Rules       int       `json:"rules"`
	PublishedAt time.Time `json:"published_at"`
	Author      string    `json:"author"`
	Message     string    `json:"message"`
	// Hash is "sha256:<hex>" of YAML; workers refuse content that does
	// not match it.
	Hash string `json:"hash"`
	// Previous is the version this one replaced (0 for the first).
	Previous int `json:"previous,omitempty"`
	// RollbackOf names the version whose YAML this one republishes.
	RollbackOf int    `json:"rollback_of,omitempty"`
	YAML       string `json:"yaml,omitempty"`
	// Diff is against Previous.
	Diff *Diff `json:"diff,omitempty"`
}

// Summary is a Version without its YAML and diff, for listings.
type Summary struct {
	Number      int       `json:"version"`
	Name        string    `json:"name"`
	Rules       int       `json:"rules"`
	PublishedAt time.Time `json:"published_at"`
	Author      string    `json:"author"`
	Message     string    `json:"message"`
	Hash        string    `json:"hash"`
	RollbackOf  int       `json:"rollback_of,omitempty"`
	Added       int       `json:"added"`
	Removed     int       `json:"removed"`
	Changed     int       `json:"changed"`
}

// Summary drops the bulky fields.
func (v Version) Summary() Summary {
	s := Summary{Number: v.Number, Name: v.Name, Rules: v.Rules, PublishedAt: v.PublishedAt,
		Author: v.Author, Message: v.Message, Hash: v.Hash, RollbackOf: v.RollbackOf}
	if v.Diff != nil {
		s.Added, s.Removed, s.Changed = len(v.Diff.Added), len(v.Diff.Removed), len(v.Diff.Changed)
	}
	return s
}

// Label is the version as alerts carry it (lexicon_version).
func (v Version) Label() string { return strconv.Itoa(v.Number) }

// Hash returns the content hash stored with a version.
func Hash(yaml []byte) string {
	sum := sha256.Sum256(yaml)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"` // bootstrap, publish, rollback, rejected
	Version int       `json:"version,omitempty"`
	Message string    `json:"message,omitempty"`
	Hash    string    `json:"hash,omitempty"`
}

// maxDecoded bounds a decompressed record so a hostile KV value cannot
// exhaust memory.
const maxDecoded = 64 << 20

// encode gzips the JSON of v: a 300 KB lexicon fits a NATS message easily.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		return nil, fmt.Errorf("version: encoding: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("version: encoding: %w", err)
	}
	return buf.Bytes(), nil
}

// decode reverses encode, rejecting anything that is not a gzipped JSON
// object of the expected shape.
func decode(data []byte, v any) error {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("version: decoding: %w", err)
	}
	body, err := io.ReadAll(io.LimitReader(zr, maxDecoded+1))
	if err != nil {
		return fmt.Errorf("version: decoding: %w", err)
	}
	if len(body) > maxDecoded {
		return fmt.Errorf("version: decoding: record larger than %d bytes", maxDecoded)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("version: decoding: %w", err)
	}
	return nil
}
