// Package placement decides which ingest worker ingests each room: a
// rooms.Owner over claims in the KV bucket EARSHOT_ROOM_LEASES
// (cluster/lease), one claim per room ("room.<id>") and a presence claim
// per worker ("node.<holder>") that carries its load (rooms, CPU, address).
//
// Placement is load-aware: a worker takes a free room only if no other
// live worker holds two or more fewer rooms and it is not busy while
// another is not (ties are settled by the claim's CAS), and it takes at
// most IntakePerSecond new rooms a second, so a cluster that restarts does
// not pile every room on the first worker up (Jitsi's bridge selection
// caps a bridge's growth the same way). When a worker dies its claims
// expire after the TTL and the others take its rooms; on drain it releases
// them at once. A WHIP session takes its room's claim with Claim, whatever
// the loads (claim.go). A worker holding more rooms than the least loaded
// hands pulled rooms over, capped and with hysteresis (rebalance.go). View
// reads the claims without holding any (a node without the ingest role).
//
// This package must never start or stop a source itself: the rooms
// registry (and the WHIP server's claims in internal/app) ask it and act.
// It must never hand over a WHIP session's room, nor free a handed-over
// room's claim before its session stopped.
package placement
