package links

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/earshot/earshot/alerter"
)

// Banned finds the accounts that already said an identifier of b's
// account before it was banned or flagged: a vest account that came back
// before compliance decided is caught at the ban, not only the next time
// it says the identifier. It returns one returning-violator alert per
// sentence of theirs (their latest mention of a shared identifier: room,
// times, sentence and clip), linking b's account with its earlier
// mention; each pair is alerted at most once per Realert, as Link does.
// Benign identifiers, and mentions in the same sentence as the banned
// account's (a room's anchor and merchant), link nothing.
func (l *Linker) Banned(ctx context.Context, b Ban) ([]alerter.Alert, error) {
	mine, err := l.opts.Store.Of(ctx, b.Account)
	if err != nil {
		return nil, fmt.Errorf("links: identifiers of %s: %w", b.Account, err)
	}
	now := l.opts.Now().UTC()
	type sentence struct {
		room, session string
		utterance     uint64
	}
	alerts := map[sentence]*alerter.Alert{}
	for _, m := range mine {
		if benign, err := l.opts.Store.IsBenign(ctx, m.Hash); err != nil || benign {
			if err != nil {
				return nil, err
			}
			continue
		}
		sharers, err := l.opts.Store.sharers(ctx, m.Hash)
		if err != nil {
			return nil, err
		}
		for _, acct := range sharers {
			if acct == b.Account {
				continue
			}
			if ban, ok, err := l.opts.Store.BanOf(ctx, acct); err != nil {
				return nil, err
			} else if ok && ban.Action == ActionBan {
				continue // banned too: nobody to catch there
			}
			other, rev, err := l.opts.Store.mention(ctx, mentionKey(m.Hash, acct))
			if err != nil {
				return nil, err
			}
			if rev == 0 || sameUtterance(other.First, m.First) || sameUtterance(other.Last, m.Last) {
				continue // expired meanwhile, or the banned account's own sentence
			}
			if !l.due(ctx, m.Hash, []Account{acct}, map[Account]Mention{acct: other}, b.Account, now) {
				continue
			}
			at := other.Last
			key := sentence{at.Room, at.Session, at.Utterance}
			a := alerts[key]
			if a == nil {
				a = &alerter.Alert{
					Schema: alerter.SchemaVersion, ID: alerter.NewID(now), At: now, Room: at.Room,
					RuleID: alerter.CategoryReturningViolator, Category: alerter.CategoryReturningViolator, Severity: "high",
					Pattern: "contact:" + other.Kind, MatchedText: at.Text, Via: "links-ban", Score: 1, StaffOnly: true,
					Session: at.Session, Context: at.Text, Utterance: at.Utterance, Final: true,
					StartMs: at.StartMs, EndMs: at.EndMs, ClipURL: at.ClipURL,
				}
				alerts[key] = a
			}
			switch acct.Kind {
			case Anchor:
				a.Anchor = acct.ID
			case Merchant:
				a.Merchant = acct.ID
			}
			if !slices.ContainsFunc(a.Links, func(k alerter.Link) bool { return k.IdentifierHash == m.Hash }) {
				a.Links = append(a.Links, alerter.Link{
					AccountKind: string(b.Kind), AccountID: b.ID, Action: string(b.Action), Reason: b.Reason, By: b.By, BannedAt: b.At,
					IdentifierKind: m.Kind, IdentifierHash: m.Hash, Earlier: m.First, Latest: m.Last, Mentions: m.Count,
				})
			}
		}
	}
	out := make([]alerter.Alert, 0, len(alerts))
	for _, a := range alerts {
		if b.Action != ActionBan {
			a.Severity = "medium" // a flagged account
		}
		out = append(out, *a)
	}
	slices.SortFunc(out, func(x, y alerter.Alert) int { return cmp.Compare(x.Room+x.Session, y.Room+y.Session) })
	return out, nil
}
