package links

import (
	"context"
	"log/slog"
	"slices"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
)

// DefaultRealert is the least time between two returning-violator alerts
// linking one account to one banned account through one identifier.
const DefaultRealert = time.Hour

// Options configure a Linker.
type Options struct {
	Store  *Store
	Hasher *Hasher
	// Realert: see DefaultRealert (the default).
	Realert time.Duration
	Now     func() time.Time
	Logger  *slog.Logger
}

// Linker records the identifiers of final hypotheses and links them to
// banned accounts: the pipeline.Linker of the scan role.
type Linker struct {
	opts Options
	ids  lexicon.IdentifierScanner
}

// NewLinker makes a Linker.
func NewLinker(opts Options) *Linker {
	if opts.Realert <= 0 {
		opts.Realert = DefaultRealert
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	return &Linker{opts: opts}
}

// accountsOf are the accounts a room speaks for.
func accountsOf(r pipeline.Room) []Account {
	var out []Account
	for _, a := range []Account{{Anchor, r.Anchor}, {Merchant, r.Merchant}} {
		if a.ID != "" && a.Validate() == nil {
			out = append(out, a)
		}
	}
	return out
}

// Link records the identifiers h says for its room's anchor and merchant
// and returns a returning-violator alert when one of them belongs to a
// different, banned or flagged account. alerts are the alerts h raised
// (its evidence: the first one's id and clip). Partials, and rooms with
// neither anchor nor merchant, are skipped.
func (l *Linker) Link(ctx context.Context, h pipeline.Heard, alerts []alerter.Alert) ([]alerter.Alert, error) {
	accts := accountsOf(h.Room)
	if !h.Final || len(accts) == 0 {
		return nil, nil
	}
	ids := l.ids.Identifiers(h.Text)
	if len(ids) == 0 {
		return nil, nil
	}
	now := l.opts.Now().UTC()
	ev := alerter.Mention{Room: h.Room.ID, Session: h.Session, Utterance: h.Utterance, At: now,
		StartMs: h.Start.Milliseconds(), EndMs: h.End.Milliseconds(), Text: h.Text}
	if len(alerts) > 0 {
		ev.AlertID, ev.ClipURL = alerts[0].ID, alerts[0].ClipURL
	}
	var out *alerter.Alert
	seen := map[string]bool{}
	for _, id := range ids {
		hash := l.opts.Hasher.Hash(id.Value)
		if seen[hash] {
			continue
		}
		seen[hash] = true
		if benign, err := l.opts.Store.IsBenign(ctx, hash); err != nil || benign {
			if err != nil {
				return nil, err
			}
			continue
		}
		mine := map[Account]Mention{}
		for _, a := range accts {
			m, _, err := l.opts.Store.record(ctx, hash, string(id.Kind), id.Value, a, ev)
			if err != nil {
				return nil, err
			}
			mine[a] = m
		}
		links, err := l.banned(ctx, hash, accts, mine, now)
		if err != nil {
			return nil, err
		}
		if len(links) == 0 {
			continue
		}
		if out == nil {
			out = l.alert(h, ev, alerts)
		}
		out.Links = append(out.Links, links...)
		if out.MatchedText == "" {
			out.MatchedText, out.Pattern = h.Text[id.Start:id.End], "contact:"+string(id.Kind)
		}
	}
	if out == nil {
		return nil, nil
	}
	if !slices.ContainsFunc(out.Links, func(k alerter.Link) bool { return k.Action == string(ActionBan) }) {
		out.Severity = "medium" // flagged accounts only
	}
	return []alerter.Alert{*out}, nil
}

// banned lists the banned or flagged accounts other than accts that said
// hash, and notes the alert in the speakers' records (Realert).
func (l *Linker) banned(ctx context.Context, hash string, accts []Account, mine map[Account]Mention, now time.Time) ([]alerter.Link, error) {
	sharers, err := l.opts.Store.sharers(ctx, hash)
	if err != nil {
		return nil, err
	}
	var out []alerter.Link
	for _, acct := range sharers {
		if slices.Contains(accts, acct) {
			continue // an account repeating its own id
		}
		ban, ok, err := l.opts.Store.BanOf(ctx, acct)
		if err != nil || !ok {
			if err != nil {
				return nil, err
			}
			continue // only a banned sharer's record is read
		}
		other, rev, err := l.opts.Store.mention(ctx, mentionKey(hash, acct))
		if err != nil {
			return nil, err
		}
		if rev == 0 || together(other, mine) || !l.due(ctx, hash, accts, mine, other.Account, now) {
			continue // expired meanwhile, or said in the speakers' own room
		}
		out = append(out, alerter.Link{
			AccountKind: string(other.Account.Kind), AccountID: other.Account.ID,
			Action: string(ban.Action), Reason: ban.Reason, By: ban.By, BannedAt: ban.At,
			IdentifierKind: other.Kind, IdentifierHash: hash, Earlier: other.First, Latest: other.Last, Mentions: other.Count,
		})
	}
	return out, nil
}

// due reports whether the speakers were not linked to banned through
// hash within Realert, and notes that they are now.
func (l *Linker) due(ctx context.Context, hash string, accts []Account, mine map[Account]Mention, banned Account, now time.Time) bool {
	due := false
	for _, a := range accts {
		m := mine[a]
		if last, ok := m.Alerted[banned.String()]; ok && now.Sub(last) < l.opts.Realert {
			continue
		}
		due = true
		if m.Alerted == nil {
			m.Alerted = map[string]time.Time{}
		}
		m.Alerted[banned.String()] = now
		key := mentionKey(hash, a)
		if _, rev, err := l.opts.Store.mention(ctx, key); err == nil && rev != 0 {
			if _, err := l.opts.Store.put(ctx, key, m, rev); err != nil {
				l.opts.Logger.Warn("returning-violator alert not noted; it may repeat", "account", a.Kind, "err", err)
			}
		}
		mine[a] = m
	}
	return due
}

// alert is the returning-violator alert of h, without links yet.
func (l *Linker) alert(h pipeline.Heard, ev alerter.Mention, alerts []alerter.Alert) *alerter.Alert {
	a := &alerter.Alert{
		Schema: alerter.SchemaVersion, ID: alerter.NewID(ev.At), At: ev.At,
		Room: h.Room.ID, Anchor: h.Room.Anchor, Merchant: h.Room.Merchant,
		RuleID: alerter.CategoryReturningViolator, Category: alerter.CategoryReturningViolator, Severity: "high",
		Via: "links", Score: 1, StaffOnly: true, Session: h.Session, Context: h.Text, Utterance: h.Utterance, Final: true,
		Recognizer: h.Recognizer, StartMs: ev.StartMs, EndMs: ev.EndMs,
	}
	if len(alerts) > 0 {
		a.LexiconVersion = alerts[0].LexiconVersion
	}
	return a
}

// together reports whether other first said the identifier in the same
// utterance as one of the speakers: the anchor and merchant of one room,
// whose id it is together (a banned anchor's own id, said again beside
// another merchant, is not a different account's).
func together(other Mention, mine map[Account]Mention) bool {
	for _, m := range mine {
		if sameUtterance(m.First, other.First) {
			return true
		}
	}
	return false
}

func sameUtterance(a, b alerter.Mention) bool {
	return a.Room == b.Room && a.Session == b.Session && a.Utterance == b.Utterance
}
