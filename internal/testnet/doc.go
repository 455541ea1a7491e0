// Package testnet gives tests a network namespace joined to the test's
// own by a veth pair, for real peers whose ICE will not pair with
// loopback-only candidates (GStreamer's webrtcbin), and the check that
// such a GStreamer peer is installed.
//
// It is for tests only (e2e, ingest/whep): production code must never
// import it. It must never touch interfaces or namespaces it did not
// create. When the machine cannot build the namespace (not root, no
// ip(8)) or lacks GStreamer, the test is skipped, or fails under CI=true
// (testutil.Need).
package testnet
