// Package rooms keeps the registry of monitored rooms: which are live, what
// they are fed from, what they have heard, and why they failed. It starts one
// pipeline per session and waits for all of them on shutdown, so pending
// alerts are flushed before the process exits.
//
// This package must never decode audio or match text itself: it only starts,
// tracks and stops pipelines.
package rooms
