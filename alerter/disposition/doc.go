// Package disposition stores compliance staff's decisions on alerts
// (confirmed, dismissed, needs review; a note; who decided) durably in the
// JetStream key-value bucket EARSHOT_DISPOSITIONS, keyed by alert id with
// the history of revisions kept, and publishes each decision on
// earshot.disposition.<category>.<room> so the policy team can see which
// rules cause false alarms.
//
// It must never change or delete alerts: the alert stream is evidence, and a
// disposition only ever adds a revision next to it.
package disposition
