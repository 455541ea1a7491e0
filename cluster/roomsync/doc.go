// Package roomsync shares room registrations across the nodes of a
// cluster: a room registered on any node (POST /v1/rooms) is put in the
// JetStream KV bucket EARSHOT_ROOMS, and every node watches the bucket and
// registers the room in its own rooms.Registry, so each ingest worker
// knows every pulled room and cluster/placement decides which one pulls it
// (the others show it "elsewhere", and take it over when its worker dies).
// A removal is a delete in the bucket, seen by every node. The single
// process takes the same path over the embedded server.
//
// The bucket is the cluster's list; each node's rooms.json stays its local
// copy for a restart while NATS is away. At start a node applies the
// bucket's entries, removes rooms the bucket says were deleted (delete
// markers are kept), and publishes local rooms the bucket never heard of,
// which is how a single process's existing rooms join a new cluster.
//
// Specs (with their source tokens) are readable by earshot's service
// credentials only, like the rest of the cluster's state.
//
// This package must never start or stop a source, nor decide who pulls a
// room: the registry and placement do.
package roomsync
