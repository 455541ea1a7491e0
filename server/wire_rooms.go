package server

import (
	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

func wireRoom(r pipeline.Room) api.Room {
	return api.Room{ID: r.ID, Anchor: r.Anchor, Merchant: r.Merchant}
}

func wireRoomStatus(st rooms.Status) api.RoomStatus {
	out := api.RoomStatus{
		Room: wireRoom(st.Room), State: string(st.State), Reason: st.Reason, Registered: st.Registered,
		RegisteredSource: st.RegisteredSource, Source: st.Source, Session: st.Session,
		Started: st.Started, Ended: st.Ended, HeardMs: st.HeardMs, Chunks: st.Chunks, Dropped: st.Dropped,
		ShedPartials: st.ShedPartials,
		Utterances:   st.Utterance, Alerts: st.Alerts, LastError: st.LastError, Attempt: st.Attempt,
		Reconnects: st.Reconnects, Sessions: st.Sessions, LexiconVersion: st.LexiconVersion, Owner: st.Owner,
		Total: api.RoomTotals{
			HeardMs: st.Total.HeardMs, HeardSeconds: st.Total.HeardSeconds, PCMBytes: st.Total.PCMBytes,
			Chunks: st.Total.Chunks, Dropped: st.Total.Dropped, ShedPartials: st.Total.ShedPartials, Utterances: st.Total.Utterances, Alerts: st.Total.Alerts,
			Source: wireSourceStats(st.Total.Source),
		},
	}
	if st.SourceStats != nil {
		src := wireSourceStats(*st.SourceStats)
		out.SourceStats = &src
	}
	return out
}

func wireSourceStats(s ingest.SourceStats) api.SourceStats {
	return api.SourceStats{Packets: s.Packets, Bytes: s.Bytes, PacketsLost: s.PacketsLost, PacketsLate: s.PacketsLate,
		DecodeErrors: s.DecodeErrors, ConcealedMs: s.ConcealedMs, DroppedChunks: s.DroppedChunks}
}

func wireAlert(a alerter.Alert) api.Alert {
	return api.Alert{
		Schema: a.Schema, ID: a.ID, At: a.At, Room: a.Room, Anchor: a.Anchor, Merchant: a.Merchant,
		RuleID: a.RuleID, Category: a.Category, Severity: a.Severity, Reminder: a.Reminder, Policy: a.Policy,
		Pattern: a.Pattern, MatchedText: a.MatchedText, Via: a.Via, Score: a.Score,
		Session: a.Session, LexiconVersion: a.LexiconVersion, Context: a.Context, Utterance: a.Utterance,
		Final: a.Final, Recognizer: a.Recognizer, StartMs: a.StartMs, EndMs: a.EndMs, ClipURL: a.ClipURL,
		StaffOnly: a.StaffOnly, Reports: wireReports(a.Reports),
		Hits: each(a.Hits, func(h alerter.AlertHit) api.AlertHit {
			return api.AlertHit{RuleID: h.RuleID, Category: h.Category, Severity: h.Severity, Reminder: h.Reminder,
				Policy: h.Policy, Pattern: h.Pattern, MatchedText: h.MatchedText, Via: h.Via, Score: h.Score,
				StartMs: h.StartMs, EndMs: h.EndMs}
		}),
		Links: each(a.Links, func(l alerter.Link) api.AlertLink {
			return api.AlertLink{AccountKind: l.AccountKind, AccountID: l.AccountID, Action: l.Action, Reason: l.Reason,
				By: l.By, BannedAt: l.BannedAt, IdentifierKind: l.IdentifierKind, IdentifierHash: l.IdentifierHash,
				Earlier: wireEvidence(l.Earlier, true), Latest: wireEvidence(l.Latest, true), Mentions: l.Mentions}
		}),
	}
}

func wireDisposition(d disposition.Disposition) api.Disposition {
	return api.Disposition{
		Schema: d.Schema, AlertID: d.AlertID, Decision: api.Decision(d.Decision), Note: d.Note, By: d.By, At: d.At,
		Room: d.Room, Category: d.Category, RuleID: d.RuleID, Session: d.Session, Utterance: d.Utterance,
		AlertAt: d.AlertAt, Revision: d.Revision,
	}
}
