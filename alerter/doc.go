// Package alerter tells people about hits: a short reminder to the anchor's
// room and an alert to compliance staff, over NATS.
//
// An alert is stored in a JetStream stream before it counts as sent;
// duplicates of the same room, rule and utterance are dropped by the stream
// (Nats-Msg-Id), and a per-room, per-rule cooldown keeps reminders from
// flooding the anchor.
//
// # Subjects
//
//	earshot.alert.<category>.<room>   Alert JSON, JetStream stream EARSHOT_ALERTS
//	                                  (file storage, 2 min duplicate window,
//	                                  30 day max age by default)
//	earshot.room.<room>.reminder      Reminder JSON, core NATS (at most once)
//
// Both carry the headers Earshot-Schema (SchemaVersion) and Content-Type
// (application/json); alerts also carry Nats-Msg-Id = DedupKey. Room ids and
// categories must match [A-Za-z0-9_-]{1,64} (ValidRoomID, ValidCategory), so
// they are always exactly one subject token and never a wildcard.
// Subscribers: an anchor overlay listens on earshot.room.<room>.reminder,
// a compliance console on earshot.alert.> (or earshot.alert.*.<room>), and
// should parse bodies with DecodeAlert and DecodeReminder. Each needs
// credentials of its role (natsauth, docs/nats-permissions.md).
//
// Sinks: natsink (NATS, see above), Writer (JSON lines or text to an
// io.Writer, for `earshot scan`) and Multi (fan-out). natsembed runs a NATS
// server in-process.
//
// This package must never match text or touch audio.
package alerter
