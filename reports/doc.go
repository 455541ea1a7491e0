// Package reports turns viewers' reports of a moment of a room's stream
// into signals for compliance staff, and runs the polls staff open on an
// alert.
//
// A report is validated (DecodeRequest), rate-limited per viewer and per
// room, deduplicated per viewer and moment, weighed by its reporter's
// record (Weigh: the share of their decided reports staff confirmed) and
// published on earshot.report.<room>. The Detector groups the reports of
// one moment; a burst of several distinct reporters whose weights add up
// raises a viewer-reports alert (alerter.CategoryViewerReports) through the
// normal alert sink, with the transcript around the moment attached. A
// flood of new reporters trips a per-room breaker: their reports are kept
// and counted, but weigh nothing until the flood is over. docs/reports.md
// gives the formulas and what was taken from Community Notes.
//
// This package must never decide an alert (it writes no disposition),
// never send the anchor a reminder (its alerts are alerter.Alert.StaffOnly),
// never store a viewer id in the clear (reporters are hashes), and never
// import the HTTP server or the service assembly.
package reports
