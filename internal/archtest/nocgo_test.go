package archtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/earshot/earshot/internal/tts"
)

// TestBuildsWithoutCgo: a deployment that uses a remote recognizer needs
// no PocketSphinx, so `CGO_ENABLED=0 go build ./cmd/earshot` must work,
// and the binary must report sphinx and kws as unavailable, in --help and
// as a clear error when asked for them.
func TestBuildsWithoutCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary without cgo (about a minute the first time)")
	}
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("needs the go command on PATH: %v", err)
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	run := func(name string, args ...string) (string, error) {
		cmd := exec.Command(name, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	bin := filepath.Join(t.TempDir(), "earshot")
	if out, err := run(gocmd, "build", "-o", bin, "./cmd/earshot"); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build ./cmd/earshot: %v\n%s", err, out)
	}
	// vet compiles the test files too, so a cgo-only helper in a test of
	// these packages breaks this as well.
	if out, err := run(gocmd, "vet", "./transcript/...", "./internal/app/...", "./cmd/..."); err != nil {
		t.Fatalf("CGO_ENABLED=0 go vet: %v\n%s", err, out)
	}

	// The packages' own checks, in the build they are about: New reports
	// ErrUnavailable, the wiring names the build.
	if out, err := run(gocmd, "test", "-count=1", "./transcript/sphinx", "./transcript/kws"); err != nil {
		t.Fatalf("CGO_ENABLED=0 go test ./transcript/sphinx ./transcript/kws: %v\n%s", err, out)
	}
	if out, err := run(gocmd, "test", "-count=1", "-run", "^TestEngines$", "./internal/app"); err != nil {
		t.Fatalf("CGO_ENABLED=0 go test -run TestEngines ./internal/app: %v\n%s", err, out)
	}

	out, err := run(bin, "serve", "--help")
	if err != nil {
		t.Fatalf("earshot serve --help: %v\n%s", err, out)
	}
	if want := "ASR engine: openai, vosk, sherpa, replay, none (sphinx, kws: not available in this build, built without cgo)"; !strings.Contains(out, want) {
		t.Errorf("serve --help does not report the engines this build lacks; want %q in:\n%s", want, out)
	}

	wav := filepath.Join(t.TempDir(), "silence.wav")
	if err := tts.WritePCM(wav, make([]int16, 8000)); err != nil {
		t.Fatal(err)
	}
	for _, engine := range []string{"sphinx", "kws"} {
		out, err := run(bin, "scan", "--recognizer", engine, wav)
		want := "recognizer " + engine + " is not available in this build (built without cgo); use openai, vosk, sherpa, replay or none"
		if err == nil || !strings.Contains(out, want) {
			t.Errorf("scan --recognizer %s: err %v, output %q; want a failure saying %q", engine, err, out, want)
		}
	}
	if out, err := run(bin, "scan", "--text", "this cream cures diabetes"); err != nil || !strings.Contains(out, "medical-claim") {
		t.Errorf("scan --text without cgo: err %v, output %q", err, out)
	}
}
