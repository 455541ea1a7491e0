// Package appeal keeps anchors' appeals of confirmed alerts in the
// JetStream key-value bucket EARSHOT_APPEALS, one per alert (the key is
// the alert id, written with create-only semantics, so a second appeal of
// the same alert is refused on every node), and publishes each appeal on
// earshot.appeal.<room> when it is filed and again when staff decide it,
// which the event stream EARSHOT_EVENTS records for webhooks and the
// overlay's feed.
//
// It must never change an alert or its dispositions itself: who may appeal
// (the alert's room's anchor, a confirmed alert) and what an overturned
// appeal does to the alert's disposition are the caller's to check and
// record.
package appeal
