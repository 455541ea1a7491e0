// Package pcgbench holds only a benchmark: the subject-partition mapping
// with one pull consumer per partition that cluster/utt uses, side by side
// with github.com/synadia-io/orbit.go/pcgroups (static and elastic consumer
// groups) on the same embedded nats-server, for docs/scaling.md.
//
// It has no production code and must never gain any: pcgroups is a
// test-only dependency, kept out of every binary by living in _test.go files
// of this package alone.
package pcgbench
