// Package testutil holds the generic helpers many packages' tests share:
// Eventually, which polls a condition until a deadline instead of sleeping
// a fixed time, and Do/DoJSON, one raw HTTP request helper for the tests
// that must send what a typed client would refuse to (malformed bodies,
// unknown parameters). Tests that call the API with well-formed requests
// use api.Client instead.
//
// It is for tests only: production code must never import it. It must
// never import earshot packages, so that any package's internal tests can
// use it without an import cycle.
package testutil
