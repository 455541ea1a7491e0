package trust

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/disposition"
)

// Msg is one stored message of a stream the ledger reads.
type Msg struct {
	Stream  string
	Seq     uint64
	Subject string
	// Time is when the stream stored it (the day of a final hypothesis,
	// which carries only stream-relative times).
	Time time.Time
	Data []byte
	// Flush marks an utterance stream flush (no hypothesis).
	Flush bool
	// pending is how many messages of its source the server held after
	// it when it was delivered (0: the source is caught up).
	pending uint64
	arrived time.Time // when this node received it (merge.go)
}

// RoomInfo is a room's current anchor and merchant, learned from its
// hypotheses and alerts, for events that name only the room (reports).
type RoomInfo struct {
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
}

// state is what apply reads and changes: the ledger's batch over the
// key-value bucket, or a Memory for replays.
type state interface {
	day(kind Kind, id, date string) (*Day, error)
	// record returns the alert's record, nil when it has none.
	record(alertID string) (*Record, error)
	newRecord(alertID string, r Record) (*Record, error)
	room(room string) (RoomInfo, bool, error)
	setRoom(room string, info RoomInfo) error
	lookup(ctx context.Context, alertID string) (alerter.Alert, error)
	dirty(key string)
}

// ErrUnknownAlert: an event names an alert the ledger never saw and the
// alert log cannot find (expired); the event is skipped.
var ErrUnknownAlert = errors.New("trust: event names an unknown alert")

// apply counts one message. A message already counted (its sequence at or
// below an entry's mark) changes nothing; a message that is not valid is
// skipped with an error (never retried: it can never become valid).
func apply(ctx context.Context, st state, m Msg) error {
	if m.Flush {
		return nil
	}
	switch {
	case strings.HasPrefix(m.Subject, alerter.AlertSubjectPrefix+"."):
		a, err := alerter.DecodeAlert(m.Data)
		if err != nil {
			return err
		}
		return applyAlert(st, m, a)
	case strings.HasPrefix(m.Subject, alerter.RoomSubjectPrefix+".") && strings.HasSuffix(m.Subject, ".reminder"):
		r, err := alerter.DecodeReminder(m.Data)
		if err != nil {
			return err
		}
		return applyReminder(ctx, st, m, r)
	case strings.HasPrefix(m.Subject, alerter.EscalationSubjectPrefix+"."):
		var e alerter.Escalation
		if err := json.Unmarshal(m.Data, &e); err != nil {
			return fmt.Errorf("escalation: %w", err)
		}
		return applyEscalation(st, m, e)
	case strings.HasPrefix(m.Subject, alerter.HeededSubjectPrefix+"."):
		var h alerter.Heeded
		if err := json.Unmarshal(m.Data, &h); err != nil {
			return fmt.Errorf("heeded: %w", err)
		}
		return applyHeeded(ctx, st, m, h)
	case strings.HasPrefix(m.Subject, alerter.DispositionSubjectPrefix+"."):
		var d disposition.Disposition
		if err := json.Unmarshal(m.Data, &d); err != nil {
			return fmt.Errorf("disposition: %w", err)
		}
		return applyDisposition(ctx, st, m, d)
	case strings.HasPrefix(m.Subject, alerter.AppealSubjectPrefix+"."):
		var a alerter.Appeal
		if err := json.Unmarshal(m.Data, &a); err != nil {
			return fmt.Errorf("appeal: %w", err)
		}
		return applyAppeal(ctx, st, m, a)
	case strings.HasPrefix(m.Subject, alerter.ReportSubjectPrefix+"."):
		var r report
		if err := json.Unmarshal(m.Data, &r); err != nil {
			return fmt.Errorf("report: %w", err)
		}
		return applyReport(st, m, r)
	case m.Stream == StreamUtt:
		var u utterance
		if err := json.Unmarshal(m.Data, &u); err != nil {
			return fmt.Errorf("utterance: %w", err)
		}
		return applyUtterance(st, m, u)
	}
	return nil // a subject the ledger does not count
}

// StreamUtt names the utterance stream in marks (the wiring's stream name
// may differ; marks only need to tell streams apart).
const StreamUtt = "utt"

// utterance is the part of a cluster/utt message the ledger reads.
type utterance struct {
	Final    bool   `json:"final"`
	StartMs  int64  `json:"start_ms"`
	EndMs    int64  `json:"end_ms"`
	Anchor   string `json:"anchor"`
	Merchant string `json:"merchant"`
}

// report is the part of a viewer report the ledger reads: whatever else
// the reports stage puts in it is ignored.
type report struct {
	At       time.Time `json:"at"`
	Room     string    `json:"room"`
	Anchor   string    `json:"anchor"`
	Merchant string    `json:"merchant"`
}

// maxUtteranceMs bounds one hypothesis's airtime: a wrong time stamp must
// not add days of airtime.
const maxUtteranceMs = 10 * 60 * 1000

func applyUtterance(st state, m Msg, u utterance) error {
	if !u.Final {
		return nil
	}
	room := m.Subject[strings.LastIndexByte(m.Subject, '.')+1:]
	if err := learnRoom(st, room, u.Anchor, u.Merchant); err != nil {
		return err
	}
	dur := u.EndMs - u.StartMs
	if dur < 0 || dur > maxUtteranceMs {
		return fmt.Errorf("utterance times %d..%d: want 0 to %d ms", u.StartMs, u.EndMs, maxUtteranceMs)
	}
	return both(st, m, u.Anchor, u.Merchant, DateOf(m.Time), func(d *Day) {
		d.AirtimeMs += dur
		d.Finals++
	})
}

func learnRoom(st state, room, anchor, merchant string) error {
	if anchor == "" && merchant == "" || alerter.ValidRoomID(room) != nil {
		return nil
	}
	cur, ok, err := st.room(room)
	if err != nil {
		return err
	}
	if ok && cur.Anchor == anchor && cur.Merchant == merchant {
		return nil
	}
	return st.setRoom(room, RoomInfo{Anchor: anchor, Merchant: merchant})
}

func applyAlert(st state, m Msg, a alerter.Alert) error {
	if err := learnRoom(st, a.Room, a.Anchor, a.Merchant); err != nil {
		return err
	}
	date := DateOf(a.At)
	crowd, link := a.Category == CrowdCategory, a.Category == alerter.CategoryReturningViolator
	rec, err := st.record(a.ID)
	if err != nil {
		return err
	}
	if rec == nil {
		if _, err := st.newRecord(a.ID, Record{Anchor: a.Anchor, Merchant: a.Merchant, Date: date,
			Severity: a.Severity, Crowd: crowd, Link: link}); err != nil {
			return err
		}
	}
	return both(st, m, a.Anchor, a.Merchant, date, func(d *Day) {
		switch {
		case crowd:
			d.Crowd++
			return
		case link:
			d.Linked++
			return
		}
		bump(&d.Alerts, a.Category+"/"+a.Severity, 1)
	})
}

// recordOf finds the alert's record, asking the alert log when this
// ledger has not read the alert yet (the streams are consumed
// independently, so a decision can be read before its alert).
func recordOf(ctx context.Context, st state, id string) (*Record, error) {
	rec, err := st.record(id)
	if err != nil || rec != nil {
		return rec, err
	}
	a, err := st.lookup(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrUnknownAlert, id, err)
	}
	return st.newRecord(id, Record{Anchor: a.Anchor, Merchant: a.Merchant, Date: DateOf(a.At),
		Severity: a.Severity, Crowd: a.Category == CrowdCategory, Link: a.Category == alerter.CategoryReturningViolator})
}

func applyReminder(ctx context.Context, st state, m Msg, r alerter.Reminder) error {
	rec, err := recordOf(ctx, st, r.AlertID)
	if err != nil {
		return err
	}
	return both(st, m, rec.Anchor, rec.Merchant, DateOf(r.At), func(d *Day) {
		d.Reminders++
		if r.Repeat >= 2 {
			d.Ignored++
		}
	})
}

func applyHeeded(ctx context.Context, st state, m Msg, h alerter.Heeded) error {
	anchor, merchant := h.Anchor, h.Merchant
	if anchor == "" && merchant == "" {
		rec, err := recordOf(ctx, st, h.AlertID)
		if err != nil {
			return err
		}
		anchor, merchant = rec.Anchor, rec.Merchant
	}
	at := h.RemindedAt
	if at.IsZero() {
		at = h.At
	}
	return both(st, m, anchor, merchant, DateOf(at), func(d *Day) { d.Heeded++ })
}

func applyEscalation(st state, m Msg, e alerter.Escalation) error {
	anchor, merchant, err := accounts(st, e.Room, e.Anchor, e.Merchant)
	if err != nil {
		return err
	}
	return both(st, m, anchor, merchant, DateOf(e.At), func(d *Day) {
		if e.Level == alerter.LevelStopSuggested {
			d.EscalationsStop++
		} else {
			d.EscalationsStaff++
		}
	})
}

func applyReport(st state, m Msg, r report) error {
	room := m.Subject[strings.LastIndexByte(m.Subject, '.')+1:]
	anchor, merchant, err := accounts(st, room, r.Anchor, r.Merchant)
	if err != nil {
		return err
	}
	at := r.At
	if at.IsZero() {
		at = m.Time
	}
	return both(st, m, anchor, merchant, DateOf(at), func(d *Day) { d.Reports++ })
}

// accounts are the event's anchor and merchant, else its room's.
func accounts(st state, room, anchor, merchant string) (string, string, error) {
	if anchor != "" || merchant != "" {
		return anchor, merchant, nil
	}
	info, _, err := st.room(room)
	return info.Anchor, info.Merchant, err
}

func applyDisposition(ctx context.Context, st state, m Msg, dp disposition.Disposition) error {
	return changeRecord(ctx, st, m, dp.AlertID, func(r *Record, _ *Day) { r.Decision = string(dp.Decision) })
}

func applyAppeal(ctx context.Context, st state, m Msg, a alerter.Appeal) error {
	return changeRecord(ctx, st, m, a.AlertID, func(r *Record, d *Day) {
		switch a.State {
		case alerter.AppealPending:
			if d != nil {
				d.AppealsFiled++
			}
		case alerter.AppealOverturned:
			r.Overturned = true
			if d != nil {
				d.AppealsWon++
			}
		case alerter.AppealUpheld:
			r.Overturned = false
			if d != nil {
				d.AppealsLost++
			}
		}
	})
}

// changeRecord applies change to the alert's record and moves the alert's
// counters on its day from the old effective decision to the new. The
// day entries are changed before the record, so a crash in between
// recomputes the same move from the unchanged record on redelivery, and
// the entries' marks skip what was already moved.
func changeRecord(ctx context.Context, st state, m Msg, id string, change func(*Record, *Day)) error {
	rec, err := recordOf(ctx, st, id)
	if err != nil {
		return err
	}
	if rec.Marks[m.Stream] >= m.Seq {
		return nil
	}
	next := *rec
	change(&next, nil)
	from, to := rec.effective(), next.effective()
	if err := both(st, m, rec.Anchor, rec.Merchant, rec.Date, func(d *Day) {
		moveDecision(d, *rec, from, to)
		tmp := *rec
		change(&tmp, d) // the appeal counters
	}); err != nil {
		return err
	}
	change(rec, nil)
	if rec.Marks == nil {
		rec.Marks = map[string]uint64{}
	}
	rec.Marks[m.Stream] = m.Seq
	st.dirty(recordKey(id))
	return nil
}

// both applies fn once to the anchor's and once to the merchant's entry
// of date, each only if it has not seen the message yet.
func both(st state, m Msg, anchor, merchant, date string, fn func(*Day)) error {
	for _, acc := range []struct {
		kind Kind
		id   string
	}{{Anchor, anchor}, {Merchant, merchant}} {
		if acc.id == "" || ValidID(acc.id) != nil {
			continue
		}
		d, err := st.day(acc.kind, acc.id, date)
		if err != nil {
			return err
		}
		if d.Marks[m.Stream] >= m.Seq {
			continue
		}
		fn(d)
		if d.Marks == nil {
			d.Marks = map[string]uint64{}
		}
		d.Marks[m.Stream] = m.Seq
		st.dirty(dayKey(acc.kind, acc.id, date))
	}
	return nil
}

// Keys of the bucket.
func dayKey(k Kind, id, date string) string { return "d." + string(k) + "." + Token(id) + "." + date }
func recordKey(id string) string            { return "r." + Token(id) }
func roomKey(room string) string            { return "room." + room }
