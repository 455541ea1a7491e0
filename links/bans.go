package links

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func banKey(a Account) string      { return "ban." + a.token() }
func benignKey(hash string) string { return "benign." + hash }

// ErrNotFound is wrapped when a ban or benign mark to lift is not there.
var ErrNotFound = errors.New("not found")

// ValidateBan checks a ban before it is stored.
func ValidateBan(b Ban) error {
	if err := b.Account.Validate(); err != nil {
		return err
	}
	if b.Action != ActionBan && b.Action != ActionFlag {
		return fmt.Errorf("action %q: want ban or flag", b.Action)
	}
	if strings.TrimSpace(b.Reason) == "" {
		return errors.New("reason: empty: say why, the ban list is read by people who did not decide")
	}
	if len(b.Reason) > MaxReason {
		return fmt.Errorf("reason: longer than %d bytes", MaxReason)
	}
	if b.By == "" {
		return errors.New("by: empty")
	}
	return nil
}

// PutBan bans or flags an account (a second call replaces the first; the
// bucket keeps the history).
func (s *Store) PutBan(ctx context.Context, b Ban) (Ban, error) {
	if b.At.IsZero() {
		b.At = time.Now().UTC()
	}
	if err := ValidateBan(b); err != nil {
		return Ban{}, err
	}
	data, err := json.Marshal(b)
	if err != nil {
		return Ban{}, fmt.Errorf("links: encode ban: %w", err)
	}
	if _, err := s.bans.Put(ctx, banKey(b.Account), data); err != nil {
		return Ban{}, fmt.Errorf("links: store ban: %w", err)
	}
	s.cache.set(banKey(b.Account), b)
	return b, nil
}

// LiftBan removes an account from the ban list.
func (s *Store) LiftBan(ctx context.Context, a Account) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if _, ok, err := s.BanOf(ctx, a); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("links: %s is not on the ban list: %w", a, ErrNotFound)
	}
	if err := s.bans.Delete(ctx, banKey(a)); err != nil {
		return fmt.Errorf("links: lift ban: %w", err)
	}
	s.cache.del(banKey(a))
	return nil
}

// BanOf returns a's ban, if any.
func (s *Store) BanOf(ctx context.Context, a Account) (Ban, bool, error) {
	if b, found, ok := s.cache.get(banKey(a)); ok {
		return b, found, nil
	}
	var b Ban
	ok, err := s.get(ctx, banKey(a), &b)
	return b, ok, err
}

// Bans lists the ban list, newest first.
func (s *Store) Bans(ctx context.Context) ([]Ban, error) {
	var out []Ban
	err := s.each(ctx, "ban.>", func() any { return &Ban{} }, func(v any) { out = append(out, *v.(*Ban)) })
	slices.SortFunc(out, func(a, b Ban) int { return b.At.Compare(a.At) })
	return out, err
}

// PutBenign marks an identifier hash benign.
func (s *Store) PutBenign(ctx context.Context, b Benign) (Benign, error) {
	if !ValidHash(b.Hash) {
		return Benign{}, fmt.Errorf("hash %q: want 32 hex digits", b.Hash)
	}
	if len(b.Note) > MaxReason {
		return Benign{}, fmt.Errorf("note: longer than %d bytes", MaxReason)
	}
	if b.At.IsZero() {
		b.At = time.Now().UTC()
	}
	data, err := json.Marshal(b)
	if err != nil {
		return Benign{}, fmt.Errorf("links: encode benign mark: %w", err)
	}
	if _, err := s.bans.Put(ctx, benignKey(b.Hash), data); err != nil {
		return Benign{}, fmt.Errorf("links: store benign mark: %w", err)
	}
	return b, nil
}

// LiftBenign removes a benign mark.
func (s *Store) LiftBenign(ctx context.Context, hash string) error {
	if !ValidHash(hash) {
		return fmt.Errorf("hash %q: want 32 hex digits", hash)
	}
	if ok, err := s.IsBenign(ctx, hash); err != nil {
		return err
	} else if !ok {
		return fmt.Errorf("links: %s is not marked benign: %w", hash, ErrNotFound)
	}
	if err := s.bans.Delete(ctx, benignKey(hash)); err != nil {
		return fmt.Errorf("links: lift benign mark: %w", err)
	}
	return nil
}

// IsBenign reports whether hash is marked benign.
func (s *Store) IsBenign(ctx context.Context, hash string) (bool, error) {
	var b Benign
	return s.get(ctx, benignKey(hash), &b)
}

// Benigns lists the benign marks, newest first.
func (s *Store) Benigns(ctx context.Context) ([]Benign, error) {
	var out []Benign
	err := s.each(ctx, "benign.>", func() any { return &Benign{} }, func(v any) { out = append(out, *v.(*Benign)) })
	slices.SortFunc(out, func(a, b Benign) int { return b.At.Compare(a.At) })
	return out, err
}

func (s *Store) get(ctx context.Context, key string, v any) (bool, error) {
	e, err := s.bans.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("links: read %s: %w", key, err)
	}
	if err := json.Unmarshal(e.Value(), v); err != nil {
		return false, fmt.Errorf("links: %s: %w", key, err)
	}
	return true, nil
}

// each decodes every live entry under filter, at most maxList.
func (s *Store) each(ctx context.Context, filter string, mk func() any, add func(any)) error {
	kl, err := s.bans.ListKeysFiltered(ctx, filter)
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil
		}
		return fmt.Errorf("links: list %s: %w", filter, err)
	}
	defer func() { _ = kl.Stop() }()
	n := 0
	for key := range kl.Keys() {
		if n == maxList*10 {
			break
		}
		v := mk()
		ok, err := s.get(ctx, key, v)
		if err != nil {
			return err
		}
		if ok {
			add(v)
			n++
		}
	}
	return nil
}
