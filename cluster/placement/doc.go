// Package placement decides which ingest worker pulls each room: a
// rooms.Owner over claims in the KV bucket EARSHOT_ROOM_LEASES
// (cluster/lease), one claim per room ("room.<id>") and a presence claim
// per worker ("node.<holder>") that carries its load.
//
// Placement is load-aware: a worker takes a free room only if no other
// live worker holds fewer rooms (ties are settled by the claim's CAS), and
// it takes at most IntakePerSecond new rooms a second, so a cluster that
// restarts does not pile every room on the first worker up (Jitsi's bridge
// selection caps a bridge's growth the same way). When a worker dies its
// claims expire after the TTL and the others take its rooms; on drain it
// releases them at once.
//
// This package must never start or stop a source itself: the rooms
// registry asks it and acts.
package placement
