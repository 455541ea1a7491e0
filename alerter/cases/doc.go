// Package cases groups alerts into the cases compliance staff work as one
// item: the hits of one anchor (the alert's anchor; else its room) in one
// session of one room, each within Window of the one before, form a case.
// Cases are built incrementally from the alert stream EARSHOT_ALERTS by a
// durable consumer (Builder) that every api node may run at once, raised by
// escalations from EARSHOT_EVENTS, and kept in the JetStream key-value
// bucket EARSHOT_CASES, where assignments, notes and decisions are written
// with compare-and-set so that concurrent nodes never lose an update. Each
// Store keeps an index of every case (a watch on the bucket) to list, sort
// and filter the queue without reading the bucket per request.
//
// It must never change or delete alerts or dispositions: a decision on a
// case is recorded on each alert by the caller, through the dispositions
// store, and a case only refers to its alerts by id.
package cases
