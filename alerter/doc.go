// Package alerter tells people about hits: a short reminder to the anchor's
// room and an alert to compliance staff, over NATS.
//
// An alert is stored in a JetStream stream before it counts as sent;
// duplicates of the same room, rule and utterance are dropped by the stream
// (Nats-Msg-Id), and a per-room, per-rule cooldown keeps reminders from
// flooding the anchor.
//
// This package must never match text or touch audio.
package alerter
