// Package testutil holds the generic helpers many packages' tests share,
// so that each exists once:
//
//   - Eventually (and WaitFor, for a condition without an error), which
//     polls until a deadline instead of sleeping a fixed time: a test never
//     sleeps to wait for something, it sleeps only to pace a fake peer;
//   - LeakCheck, which waits for the goroutines a test started to end and
//     fails with their stacks if they do not;
//   - Need, NeedTool, NeedFile and NeedRoot, which skip a test whose tool,
//     model or privilege is missing, and fail it under CI=true, so that a
//     half-provisioned CI machine cannot pass green (scripts/setup.sh
//     installs everything the suite needs);
//   - Send, Do and DoJSON, one raw HTTP request helper for the tests that
//     must send what a typed client would refuse to (malformed bodies,
//     unknown parameters, other protocols' requests). Tests that call the
//     API with well-formed requests use api.Client instead;
//   - Metrics and MetricSum, which parse and add up a /metrics answer;
//   - Context, Quiet and FreePort: a context with a deadline, a logger that
//     drops everything, a port for a far end that must be told it.
//
// Helpers that need earshot's own packages live beside what they stand
// in for: natstest (an embedded NATS server and its users), authtest
// (HTTP tokens), testdouble (a silent recognizer, a memory sink, the
// default lexicon's engine), testaudio, testnet and testdisk.
//
// It is for tests only: production code must never import it. It must
// never import earshot packages, so that any package's internal tests can
// use it without an import cycle.
package testutil
