// Package testdouble holds the small stand-ins that many packages' tests
// share: a recognizer that hears nothing, an in-memory alert sink, a
// collector of emitted hypotheses, and the default lexicon compiled for
// text matching (real rules where the rules are not under test).
//
// It is for tests only. It must never be imported by non-test code (test
// support packages such as wsasrtest excepted), and it may import only
// packages below the pipeline (transcript, lexicon, alerter): importing
// rooms, server or pipeline would create import cycles with those
// packages' internal tests.
package testdouble
