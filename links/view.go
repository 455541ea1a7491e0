package links

import (
	"cmp"
	"context"
	"log/slog"
	"math"
	"slices"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/lexicon"
)

// Weights of an identifier kind in a link's strength: a personal number
// or messenger id says more about who is behind an account than a web
// address a shop may share with its resellers.
var kindWeight = map[string]float64{
	"phone": 0.8, "wechat": 0.8, "qq": 0.8, "whatsapp": 0.8, "telegram": 0.8, "email": 0.8,
	"handle": 0.6, "url": 0.5,
}

// Shared is one identifier two accounts both said.
type Shared struct {
	Hash   string  `json:"hash"`
	Kind   string  `json:"kind"`
	Value  string  `json:"value"`
	Mine   Mention `json:"mine"`
	Theirs Mention `json:"theirs"`
}

// Linked is an account that shares identifiers with the one viewed.
type Linked struct {
	Account Account `json:"account"`
	Ban     *Ban    `json:"ban,omitempty"`
	// Strength is 1 - Π(1 - w) over the shared identifiers, w the weight of
	// each one's kind (0.8 for numbers, messenger ids and e-mail, 0.6 for
	// handles, 0.5 for web addresses): one shared phone number is 0.8, two
	// are 0.96. A suggestion for a reviewer, never a verdict.
	Strength float64  `json:"strength"`
	Shared   []Shared `json:"shared"`
}

// View is what the links page shows about one account.
type View struct {
	Account     Account   `json:"account"`
	Ban         *Ban      `json:"ban,omitempty"`
	Identifiers []Mention `json:"identifiers"`
	Linked      []Linked  `json:"linked"`
}

// ViewOf gathers a's identifiers and the accounts that share them,
// strongest first.
func (s *Store) ViewOf(ctx context.Context, a Account) (View, error) {
	mine, err := s.Of(ctx, a)
	if err != nil {
		return View{}, err
	}
	v := View{Account: a, Identifiers: mine}
	if b, ok, err := s.BanOf(ctx, a); err != nil {
		return View{}, err
	} else if ok {
		v.Ban = &b
	}
	byAcct := map[Account]*Linked{}
	for _, m := range mine {
		if benign, err := s.IsBenign(ctx, m.Hash); err != nil {
			return View{}, err
		} else if benign {
			continue
		}
		others, err := s.Sharing(ctx, m.Hash)
		if err != nil {
			return View{}, err
		}
		for _, o := range others {
			if o.Account == a || sameUtterance(o.First, m.First) {
				continue // itself, or the other account of its own room
			}
			l := byAcct[o.Account]
			if l == nil {
				l = &Linked{Account: o.Account}
				byAcct[o.Account] = l
			}
			l.Shared = append(l.Shared, Shared{Hash: m.Hash, Kind: m.Kind, Value: m.Value, Mine: m, Theirs: o})
		}
	}
	for _, l := range byAcct {
		miss := 1.0
		for _, sh := range l.Shared {
			w, ok := kindWeight[sh.Kind]
			if !ok {
				w = 0.5
			}
			miss *= 1 - w
		}
		l.Strength = math.Round((1-miss)*1000) / 1000
		if b, ok, err := s.BanOf(ctx, l.Account); err != nil {
			return View{}, err
		} else if ok {
			l.Ban = &b
		}
		v.Linked = append(v.Linked, *l)
	}
	slices.SortFunc(v.Linked, func(x, y Linked) int {
		if x.Strength != y.Strength {
			if x.Strength > y.Strength {
				return -1
			}
			return 1
		}
		return cmpAccount(x.Account, y.Account)
	})
	return v, nil
}

func cmpAccount(x, y Account) int {
	if x.Kind != y.Kind {
		if x.Kind < y.Kind {
			return -1
		}
		return 1
	}
	switch {
	case x.ID < y.ID:
		return -1
	case x.ID > y.ID:
		return 1
	}
	return 0
}

// Service is what the API serves: the store, and the hasher that turns a
// value staff typed into the hash it is stored under. With Linker and
// Sink set, a ban also delivers the returning-violator alerts of the
// accounts that said the banned account's identifiers before it
// (Linker.Banned).
type Service struct {
	*Store
	Hasher *Hasher
	Linker *Linker
	Sink   alerter.Sink
	Logger *slog.Logger
}

// PutBan stores b, then raises the returning-violator alerts of accounts
// that already share its identifiers. The ban stands even when they
// cannot be delivered now (they are logged, and the next mention raises
// them).
func (s *Service) PutBan(ctx context.Context, b Ban) (Ban, error) {
	b, err := s.Store.PutBan(ctx, b)
	if err != nil || s.Linker == nil || s.Sink == nil {
		return b, err
	}
	log := cmp.Or(s.Logger, slog.Default())
	alerts, err := s.Linker.Banned(ctx, b)
	if err != nil {
		log.Warn("accounts sharing a banned account's identifiers not checked", "kind", b.Kind, "err", err)
	}
	for _, a := range alerts {
		if err := s.Sink.Send(ctx, a); err != nil {
			log.Warn("returning-violator alert at a ban not delivered", "room", a.Room, "err", err)
		}
	}
	return b, nil
}

// HashOf normalizes a typed identifier (lexicon.NormalizeIdentifier) and
// returns its hash; ok is false when value holds no identifier.
func (s *Service) HashOf(value string) (hash string, ok bool) {
	v := lexicon.NormalizeIdentifier(value)
	if v == "" {
		return "", false
	}
	return s.Hasher.Hash(v), true
}
