package server

import (
	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/links"
)

func wireBan(b links.Ban) api.Ban {
	w := api.Ban{Kind: string(b.Kind), ID: b.ID, Action: string(b.Action), Reason: b.Reason, By: b.By, At: b.At}
	switch w.Kind {
	case "anchor":
		w.Anchor = b.ID
	case "merchant":
		w.Merchant = b.ID
	}
	return w
}

func wireBanPtr(b *links.Ban) *api.Ban {
	if b == nil {
		return nil
	}
	w := wireBan(*b)
	return &w
}

func wireBenign(b links.Benign) api.Benign {
	return api.Benign{Hash: b.Hash, Note: b.Note, By: b.By, At: b.At}
}

// wireEvidence is a mention's evidence; the utterance text only with raw.
func wireEvidence(m alerter.Mention, raw bool) api.MentionEvidence {
	e := api.MentionEvidence{Room: m.Room, Session: m.Session, Utterance: m.Utterance, At: m.At,
		StartMs: m.StartMs, EndMs: m.EndMs, AlertID: m.AlertID, ClipURL: m.ClipURL}
	if raw {
		e.Text = m.Text
	}
	return e
}

func wireIdentifier(m links.Mention, raw bool) api.Identifier {
	id := api.Identifier{Hash: m.Hash, Kind: m.Kind, Mentions: m.Count,
		First: wireEvidence(m.First, raw), Last: wireEvidence(m.Last, raw)}
	if raw {
		id.Value = m.Value
	}
	return id
}

// wireLinkView is the links view; raw values only for compliance (raw).
func wireLinkView(v links.View, raw bool) api.LinkView {
	ident := func(m links.Mention) api.Identifier { return wireIdentifier(m, raw) }
	return api.LinkView{
		Kind: string(v.Account.Kind), ID: v.Account.ID, Ban: wireBanPtr(v.Ban), RawValues: raw,
		Identifiers: list(v.Identifiers, ident),
		Linked: list(v.Linked, func(l links.Linked) api.LinkedAccount {
			return api.LinkedAccount{Kind: string(l.Account.Kind), ID: l.Account.ID, Ban: wireBanPtr(l.Ban), Strength: l.Strength,
				Shared: list(l.Shared, func(sh links.Shared) api.SharedIdentifier {
					out := api.SharedIdentifier{Hash: sh.Hash, Kind: sh.Kind, Mine: ident(sh.Mine), Theirs: ident(sh.Theirs)}
					if raw {
						out.Value = sh.Value
					}
					return out
				})}
		}),
	}
}
