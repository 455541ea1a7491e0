// Package testutil holds the generic helpers many packages' tests share:
//
//   - Eventually (and WaitFor, for a condition without an error), which
//     polls until a deadline instead of sleeping a fixed time: a test never
//     sleeps to wait for something, it sleeps only to pace a fake peer;
//   - LeakCheck, which waits for the goroutines a test started to end and
//     fails with their stacks if they do not;
//   - Quiet, a logger that drops everything;
//   - Need, NeedTool, NeedFile and NeedRoot, which skip a test whose tool,
//     model or privilege is missing, and fail it under CI=true, so that a
//     half-provisioned CI machine cannot pass green (scripts/setup.sh
//     installs everything the suite needs);
//   - Do/DoJSON, one raw HTTP request helper for the tests that must send
//     what a typed client would refuse to (malformed bodies, unknown
//     parameters). Tests that call the API with well-formed requests use
//     api.Client instead.
//
// It is for tests only: production code must never import it. It must
// never import earshot packages, so that any package's internal tests can
// use it without an import cycle.
package testutil
