package testutil

import (
	"fmt"
	"os"
	"os/exec"
	"testing"
)

// setup is what provisions a machine for the whole suite.
const setup = "scripts/setup.sh"

// InCI reports whether the tests run in CI (CI=true), where everything
// scripts/setup.sh installs must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// Need skips the test when err (a check of something the test needs) is
// not nil, or fails it under CI=true: a half-provisioned CI machine must
// not pass green by skipping what it cannot run. err should name what is
// missing, as tts.Check and the recognizers' model checks do.
func Need(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if InCI() {
		t.Fatalf("%v (CI=true: this test must run; %s provisions the machine)", err, setup)
	}
	t.Skipf("%v (%s provisions it; with CI=true this fails)", err, setup)
}

// NeedTool returns the path of the program name on PATH; see Need for
// what happens when it is missing.
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		Need(t, fmt.Errorf("%s not installed: %w", name, err))
	}
	return path
}

// NeedFile checks that the file or directory at path (a model, a
// dictionary, a browser at a fixed path, node modules) exists; see Need
// for what happens when it does not. It returns path.
func NeedFile(t testing.TB, path string) string {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		Need(t, fmt.Errorf("missing: %w", err))
	}
	return path
}

// NeedRoot checks that the test runs as root, which it needs for why
// (mounting a tmpfs, building a network namespace); see Need.
func NeedRoot(t testing.TB, why string) {
	t.Helper()
	if os.Geteuid() != 0 {
		Need(t, fmt.Errorf("%s needs root (uid %d)", why, os.Geteuid()))
	}
}
