// Package gctune sets the garbage collector's policy of a long-running
// earshot process (`earshot serve`): GOGC 400 instead of Go's 100, with a
// soft memory limit of three quarters of the memory the process may use
// (its cgroup's limit, else the machine's), so the collector runs a
// quarter as often and never lets the heap outgrow the node.
//
// Why: at issue 11's goal load (20,000 rooms, 15,000 hypotheses/s on one
// 2-core scan node) the default policy ran a mark phase about once a
// second over ~200 MB of live heap (the embedded server's stream state,
// 20,000 rooms' feeds and scanner sessions), and the collector took a
// seventh to a fifth of the process's CPU. With GOGC 400 a cycle comes
// every 5-7 s and the collector costs a third of that CPU; the process
// needs about 12 % less CPU per hypothesis (BenchmarkGoalLoad, nine
// interleaved pairs, docs/scaling.md). It does not shorten a mark phase
// (the live heap sets that), so it is not a cure for the tail latency
// marks cause. The heap may grow to five times the live heap before a
// cycle starts, never past the memory limit (a node that ran 20,000 rooms
// for two minutes holds ~1 GB live, most of it the embedded server's
// duplicate window and stream state: up to ~5 GB of heap where the
// memory allows, cycles closer together where it does not).
//
// An operator's GOGC or GOMEMLIMIT (the Go runtime's own environment
// variables) is left as it is: Apply changes only what the environment
// did not set.
//
// This package must never be called from a library package or a test of
// one (it changes process-wide state: only cmd/ and benchmarks that stand
// for `earshot serve` call it), and never lower a limit the operator set.
package gctune
