package version

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/lexicon"
)

// Draft is a lexicon someone wants to publish.
type Draft struct {
	YAML []byte
	// File names the draft in error messages (default "draft.yaml").
	File    string
	Author  string
	Message string
	// Base, when > 0, is the version the author edited: the publish fails
	// with ErrConflict if another version was published since. 0 means
	// last writer wins.
	Base int
	// Force publishes a version with no rules, or one dropping more than
	// Options.MaxDropShare of the live rules, which is otherwise refused
	// with ErrNeedsForce (guard.go).
	Force bool
	// rollbackOf and action are set by Rollback and Bootstrap; over by
	// AdoptUnsigned: the unsigned active version the draft replaces.
	rollbackOf int
	action     string
	onlyFirst  bool
	over       *Version
}

// maxAttempts bounds compare-and-set retries under contention.
const maxAttempts = 100

// Publish validates and compiles d, then makes it the next version. Under
// concurrent publishes every one that is valid gets its own number, in the
// order their compare-and-set succeeded; the last one stays active.
func (s *Store) Publish(ctx context.Context, d Draft) (Version, error) {
	if d.File == "" {
		d.File = "draft.yaml"
	}
	if d.action == "" {
		d.action = "publish"
	}
	if strings.TrimSpace(d.Author) == "" {
		d.Author = "unknown"
	}
	lx, _, err := s.Check(d.File, d.YAML)
	if err != nil {
		s.audit(ctx, AuditEntry{Actor: d.Author, Action: "rejected", Message: firstLine(err.Error()), Hash: Hash(d.YAML)})
		return Version{}, err
	}
	for attempt := 0; attempt < maxAttempts; attempt++ {
		v, done, err := s.tryPublish(ctx, d, lx)
		if err != nil || done {
			return v, err
		}
	}
	return Version{}, fmt.Errorf("version: publish: still contended after %d attempts", maxAttempts)
}

// tryPublish makes one compare-and-set attempt; done is false when another
// publish won the race and the caller should retry on the new state.
func (s *Store) tryPublish(ctx context.Context, d Draft, lx *lexicon.Lexicon) (Version, bool, error) {
	cur, rev, err := s.active(ctx)
	refused := errors.Is(err, ErrRefused)
	switch {
	case refused && d.onlyFirst:
		return Version{}, true, err
	case refused && d.over != nil:
		cur = *d.over
	case refused:
		// Someone wrote "active" without the key: publish over it, after
		// the newest version that is ours.
		s.opts.Logger.Error("lexicon: active record refused; publishing over it", "revision", rev, "err", err)
		if cur, err = s.newestArchived(ctx); err != nil {
			return Version{}, true, err
		}
	case err != nil && !errors.Is(err, ErrEmpty):
		return Version{}, false, err
	}
	if d.onlyFirst && rev != 0 {
		return cur, true, nil
	}
	if d.Base > 0 && cur.Number != d.Base {
		return Version{}, true, fmt.Errorf("%w: draft based on version %d, active is %d", ErrConflict, d.Base, cur.Number)
	}
	var prev *lexicon.Lexicon
	if rev != 0 && cur.Number > 0 {
		// Keep the invariant that every version below active is archived,
		// even if cur's publisher stopped right after its compare-and-set.
		if err := s.archive(ctx, cur); err != nil {
			return Version{}, false, err
		}
		prev, _ = lexicon.Parse(d.File, []byte(cur.YAML))
	}
	if !d.Force && !d.onlyFirst {
		if err := checkDrop(prev, lx, s.opts.MaxDropShare); err != nil {
			s.audit(ctx, AuditEntry{Actor: d.Author, Action: "rejected", Message: firstLine(err.Error()), Hash: Hash(d.YAML)})
			return Version{}, true, err
		}
	}
	v := Version{
		Number: cur.Number + 1, Name: lx.Name, Rules: len(lx.Rules), PublishedAt: s.opts.Now().UTC(),
		Author: d.Author, Message: d.Message, Hash: Hash(d.YAML), Previous: cur.Number,
		RollbackOf: d.rollbackOf, YAML: string(d.YAML), Diff: Compare(prev, lx),
	}
	data, err := s.opts.Keys.seal(v)
	if err != nil {
		return Version{}, true, err
	}
	if rev == 0 {
		_, err = s.kv.Create(ctx, keyActive, data)
	} else {
		_, err = s.kv.Update(ctx, keyActive, data, rev)
	}
	if errors.Is(err, jetstream.ErrKeyExists) {
		return Version{}, false, nil // lost the race: re-read and retry
	}
	if err != nil {
		return Version{}, true, fmt.Errorf("version: writing version %d: %w", v.Number, err)
	}
	if err := s.archive(ctx, v); err != nil {
		s.opts.Logger.Warn("lexicon version active but not archived yet", "version", v.Number, "err", err)
	}
	s.audit(ctx, AuditEntry{Actor: d.Author, Action: d.action, Version: v.Number, Message: d.Message, Hash: v.Hash})
	s.opts.Logger.Info("lexicon version published", "version", v.Number, "author", v.Author, "rules", v.Rules)
	return v, true, nil
}

// Rollback publishes version n's YAML again as a new version; like a
// publish, it needs force when that version would drop most live rules.
func (s *Store) Rollback(ctx context.Context, n int, author, message string, force bool) (Version, error) {
	old, err := s.Get(ctx, n)
	if err != nil {
		return Version{}, err
	}
	if strings.TrimSpace(message) == "" {
		message = fmt.Sprintf("rollback to version %d", n)
	}
	return s.Publish(ctx, Draft{YAML: []byte(old.YAML), File: fmt.Sprintf("v%d.yaml", n),
		Author: author, Message: message, rollbackOf: n, action: "rollback", Force: force})
}

// Bootstrap publishes yaml as version 1 if nothing was ever published, and
// returns the active version either way. Several workers starting at once
// create one version 1 between them.
func (s *Store) Bootstrap(ctx context.Context, file string, yaml []byte) (Version, error) {
	v, err := s.Active(ctx)
	if err == nil || !errors.Is(err, ErrEmpty) {
		return v, err
	}
	return s.Publish(ctx, Draft{YAML: yaml, File: file, Author: "earshot",
		Message: "initial version from " + file, action: "bootstrap", onlyFirst: true})
}

// newestArchived is the newest archived version that verifies; the zero
// Version if there is none.
func (s *Store) newestArchived(ctx context.Context) (Version, error) {
	lister, err := s.kv.ListKeysFiltered(ctx, archivePref+">")
	if err != nil {
		return Version{}, fmt.Errorf("version: listing versions: %w", err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(keys))) // zero-padded numbers
	for _, k := range keys {
		e, err := s.kv.Get(ctx, k)
		if err != nil {
			continue
		}
		if v, err := s.opts.Keys.open(e.Value()); err == nil && archiveKey(v.Number) == k {
			return v, nil
		}
	}
	return Version{}, nil
}

// AdoptUnsigned signs the active version of an earshot from before
// versions were signed: its YAML is published again as the next version,
// signed. Call it only on the start that created this node's signing key
// (see ActiveSigner): later, an unsigned active record is a forgery and
// stays refused. It reports whether it published.
func (s *Store) AdoptUnsigned(ctx context.Context) (Version, bool, error) {
	e, err := s.kv.Get(ctx, keyActive)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Version{}, false, nil
	}
	if err != nil {
		return Version{}, false, fmt.Errorf("version: reading active: %w", err)
	}
	if _, err := readEnvelope(e.Value()); err == nil || !errors.Is(err, ErrRefused) {
		return Version{}, false, err
	}
	old, err := legacy(e.Value())
	if err != nil {
		return Version{}, false, err
	}
	v, err := s.Publish(ctx, Draft{YAML: []byte(old.YAML), File: fmt.Sprintf("v%d.yaml", old.Number), Author: "earshot",
		Message: fmt.Sprintf("version %d signed: it was published before versions were signed", old.Number), action: "sign", over: &old,
		Force: true}) // the same YAML again: nothing is dropped
	return v, err == nil, err
}

// audit appends an entry; a failure is logged, not returned, because the
// version itself is already committed.
func (s *Store) audit(ctx context.Context, e AuditEntry) {
	e.At = s.opts.Now().UTC()
	data, err := encode(e)
	if err == nil {
		var nonce [4]byte
		_, _ = rand.Read(nonce[:])
		key := fmt.Sprintf("%s%020d-%s", auditPref, e.At.UnixNano(), hex.EncodeToString(nonce[:]))
		_, err = s.kv.Create(ctx, key, data)
	}
	if err != nil {
		s.opts.Logger.Warn("lexicon audit entry not written", "action", e.Action, "err", err)
	}
}

// Audit returns the audit log, oldest first.
func (s *Store) Audit(ctx context.Context) ([]AuditEntry, error) {
	lister, err := s.kv.ListKeysFiltered(ctx, auditPref+">")
	if err != nil {
		return nil, fmt.Errorf("version: listing audit log: %w", err)
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]AuditEntry, 0, len(keys))
	for _, k := range keys {
		e, err := s.kv.Get(ctx, k)
		if err != nil {
			return nil, fmt.Errorf("version: reading %s: %w", k, err)
		}
		var a AuditEntry
		if err := decode(e.Value(), &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

func firstLine(s string) string {
	lines := strings.SplitN(s, "\n", 3)
	if len(lines) > 1 {
		return lines[1]
	}
	return lines[0]
}
