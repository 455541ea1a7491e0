package links

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// The buckets: mentions expire (retention), bans and benign marks do not.
const (
	MentionBucket = "EARSHOT_LINKS"
	BanBucket     = "EARSHOT_BANS"
)

// DefaultRetention is how long a mention is kept after it was last heard.
const DefaultRetention = 90 * 24 * time.Hour

// MaxAccountID bounds an anchor or merchant id, as room registration does.
const MaxAccountID = 128

// AccountKind is "anchor" or "merchant".
type AccountKind string

// The account kinds.
const (
	Anchor   AccountKind = "anchor"
	Merchant AccountKind = "merchant"
)

// Account is an anchor or a merchant.
type Account struct {
	Kind AccountKind `json:"kind"`
	ID   string      `json:"id"`
}

func (a Account) String() string { return string(a.Kind) + " " + a.ID }

// Validate checks the kind and the id (1 to MaxAccountID printable bytes
// of UTF-8).
func (a Account) Validate() error {
	if a.Kind != Anchor && a.Kind != Merchant {
		return fmt.Errorf("account kind %q: want anchor or merchant", a.Kind)
	}
	switch {
	case a.ID == "":
		return fmt.Errorf("%s id: empty", a.Kind)
	case len(a.ID) > MaxAccountID:
		return fmt.Errorf("%s id: longer than %d bytes", a.Kind, MaxAccountID)
	case !utf8.ValidString(a.ID):
		return fmt.Errorf("%s id: not valid UTF-8", a.Kind)
	case strings.ContainsFunc(a.ID, func(r rune) bool { return r < 0x20 || r == 0x7f }):
		return fmt.Errorf("%s id: contains control characters", a.Kind)
	}
	return nil
}

// token is the account as one KV key token: ids may hold any printable
// text, keys only [-_=.A-Za-z0-9] and no empty tokens.
func (a Account) token() string {
	return string(a.Kind) + "." + base64.RawURLEncoding.EncodeToString([]byte(a.ID))
}

// Mention is one account's record of one identifier: how often it said it
// and the first and last utterance that did.
type Mention struct {
	Hash    string          `json:"hash"`
	Kind    string          `json:"kind"`
	Value   string          `json:"value"`
	Account Account         `json:"account"`
	Count   int             `json:"count"`
	First   alerter.Mention `json:"first"`
	Last    alerter.Mention `json:"last"`
	// Alerted is when a returning-violator alert last linked this mention
	// to each banned account (by Account.String()), so a repeated id
	// raises one alert per Options.Realert, not one per sentence.
	Alerted map[string]time.Time `json:"alerted,omitempty"`
}

// Ban is an account on the ban list: banned, or flagged for watching.
type Ban struct {
	Account
	Action Action    `json:"action"`
	Reason string    `json:"reason"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
}

// Action is what compliance decided about an account.
type Action string

// The actions: both make the account's identifiers raise
// returning-violator alerts when someone else says them.
const (
	ActionBan  Action = "ban"
	ActionFlag Action = "flag"
)

// MaxReason bounds a ban's reason and a benign mark's note.
const MaxReason = 1000

// Benign marks an identifier as a legitimate business's (a brand's
// hotline): it is neither recorded nor linked.
type Benign struct {
	Hash string    `json:"hash"`
	Note string    `json:"note,omitempty"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// StoreOptions configure the buckets.
type StoreOptions struct {
	// Retention is how long a mention is kept after it was last heard;
	// default DefaultRetention.
	Retention time.Duration
	// MaxBytes bound the buckets (0: unbounded).
	MaxBytes, BanMaxBytes int64
	Replicas              int
}

// Store is the mentions, bans and benign marks in NATS KV.
type Store struct {
	mentions jetstream.KeyValue
	bans     jetstream.KeyValue
	cache    *banCache // the ban list in memory (bancache.go)
}

// OpenStore creates or updates the buckets.
func OpenStore(ctx context.Context, js jetstream.JetStream, opts StoreOptions) (*Store, error) {
	if opts.Retention <= 0 {
		opts.Retention = DefaultRetention
	}
	m, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: MentionBucket, Description: "earshot: contact identifiers heard on air, by keyed hash and account",
		TTL: opts.Retention, MaxBytes: opts.MaxBytes, Replicas: opts.Replicas, Storage: jetstream.FileStorage,
		MaxValueSize: 16 << 10,
	})
	if err != nil {
		return nil, fmt.Errorf("links: bucket %s: %w", MentionBucket, err)
	}
	b, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: BanBucket, Description: "earshot: banned and flagged accounts, benign identifiers",
		History: 8, MaxBytes: opts.BanMaxBytes, Replicas: opts.Replicas, Storage: jetstream.FileStorage,
		MaxValueSize: 8 << 10,
	})
	if err != nil {
		return nil, fmt.Errorf("links: bucket %s: %w", BanBucket, err)
	}
	// The watch outlives ctx (a start-up deadline): Close ends it.
	cache, err := watchBans(context.WithoutCancel(ctx), b)
	if err != nil {
		return nil, err
	}
	return &Store{mentions: m, bans: b, cache: cache}, nil
}

// Close stops the ban list's watch.
func (s *Store) Close() { s.cache.stop() }

func mentionKey(hash string, a Account) string { return "m." + hash + "." + a.token() }

// record adds one mention of (hash, kind, value) by a at ev, and returns
// the updated record. Concurrent writers retry on the revision.
func (s *Store) record(ctx context.Context, hash, kind, value string, a Account, ev alerter.Mention) (Mention, uint64, error) {
	key := mentionKey(hash, a)
	for try := 0; ; try++ {
		m, rev, err := s.mention(ctx, key)
		if err != nil {
			return Mention{}, 0, err
		}
		if rev == 0 {
			m = Mention{Hash: hash, Kind: kind, Value: value, Account: a, First: ev}
		}
		m.Count++
		m.Last = ev
		rev, err = s.put(ctx, key, m, rev)
		if err == nil || try == 4 || !errors.Is(err, jetstream.ErrKeyExists) && !isWrongSeq(err) {
			return m, rev, err
		}
	}
}

func isWrongSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence
}

// put writes m at key: created when rev is 0, else only over revision rev.
func (s *Store) put(ctx context.Context, key string, m Mention, rev uint64) (uint64, error) {
	data, err := json.Marshal(m)
	if err != nil {
		return 0, fmt.Errorf("links: encode mention: %w", err)
	}
	if rev == 0 {
		rev, err = s.mentions.Create(ctx, key, data)
	} else {
		rev, err = s.mentions.Update(ctx, key, data, rev)
	}
	if err != nil {
		return 0, fmt.Errorf("links: store mention: %w", err)
	}
	return rev, nil
}

// mention reads one record; revision 0 means there is none.
func (s *Store) mention(ctx context.Context, key string) (Mention, uint64, error) {
	e, err := s.mentions.Get(ctx, key)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Mention{}, 0, nil
	}
	if err != nil {
		return Mention{}, 0, fmt.Errorf("links: read mention: %w", err)
	}
	var m Mention
	if err := json.Unmarshal(e.Value(), &m); err != nil {
		return Mention{}, 0, fmt.Errorf("links: mention %s: %w", key, err)
	}
	return m, e.Revision(), nil
}

// maxList bounds the records one query reads: an identifier said by more
// accounts than this is a shared business number, not a personal one.
const maxList = 1000

// list reads the mentions whose keys match filter (a KV key filter).
func (s *Store) list(ctx context.Context, filter string) ([]Mention, error) {
	kl, err := s.mentions.ListKeysFiltered(ctx, filter)
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("links: list mentions: %w", err)
	}
	defer func() { _ = kl.Stop() }()
	var out []Mention
	for key := range kl.Keys() {
		if len(out) == maxList {
			break
		}
		m, rev, err := s.mention(ctx, key)
		if err != nil {
			return out, err
		}
		if rev != 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// sharers lists the accounts that said hash, from the key names alone.
func (s *Store) sharers(ctx context.Context, hash string) ([]Account, error) {
	kl, err := s.mentions.ListKeysFiltered(ctx, "m."+hash+".>")
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("links: list mentions: %w", err)
	}
	defer func() { _ = kl.Stop() }()
	var out []Account
	for key := range kl.Keys() {
		// m.<hash>.<kind>.<base64 id>
		if len(out) == maxList {
			break
		}
		parts := strings.SplitN(key, ".", 4)
		if len(parts) != 4 {
			continue
		}
		id, err := base64.RawURLEncoding.DecodeString(parts[3])
		if a := (Account{Kind: AccountKind(parts[2]), ID: string(id)}); err == nil && a.Validate() == nil {
			out = append(out, a)
		}
	}
	return out, nil
}

// Sharing lists every account's mention of the identifier hash.
func (s *Store) Sharing(ctx context.Context, hash string) ([]Mention, error) {
	if !ValidHash(hash) {
		return nil, fmt.Errorf("links: hash %q: want 32 hex digits", hash)
	}
	return s.list(ctx, "m."+hash+".>")
}

// Of lists the identifiers account a said.
func (s *Store) Of(ctx context.Context, a Account) ([]Mention, error) {
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return s.list(ctx, "m.*."+a.token())
}

// ValidHash reports whether h is an identifier hash: 32 lower-case hex digits.
func ValidHash(h string) bool {
	if len(h) != 32 {
		return false
	}
	for i := 0; i < len(h); i++ {
		if !(h[i] >= '0' && h[i] <= '9' || h[i] >= 'a' && h[i] <= 'f') {
			return false
		}
	}
	return true
}
