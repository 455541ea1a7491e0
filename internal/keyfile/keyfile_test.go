package keyfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nkeys"
)

func TestSeedFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "keys")
	if err := EnsureDir(dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "a.nk")
	kp, err := CreateSeed(path, nkeys.PrefixByteAccount)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := CreateSeed(path, nkeys.PrefixByteAccount); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("second CreateSeed over a key: %v", err)
	}
	back, err := ReadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := kp.PublicKey()
	if got, _ := back.PublicKey(); got != want {
		t.Fatalf("read back %s, wrote %s", got, want)
	}
	cases := []struct {
		name  string
		setup func(p string) error
		want  string
	}{
		{"missing", func(p string) error { return nil }, "key file missing"},
		{"group readable", func(p string) error { return os.WriteFile(p, []byte("x"), 0o640) }, "chmod 600"},
		{"not a seed", func(p string) error { return os.WriteFile(p, []byte("SUNOTASEED"), 0o600) }, "does not hold an nkey seed"},
		{"a directory", func(p string) error { return os.Mkdir(p, 0o700) }, "not a regular file"},
	}
	for _, tc := range cases {
		p := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		if err := tc.setup(p); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadSeed(p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := EnsureDir(dir); err == nil || !strings.Contains(err.Error(), "chmod 700") {
		t.Fatalf("EnsureDir on a 0755 dir: %v", err)
	}
}

func TestReplaceAndAppend(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	for _, s := range []string{"one", "two"} {
		if err := Replace(path, []byte(s)); err != nil {
			t.Fatal(err)
		}
	}
	if err := Append(path, []byte("+")); err != nil {
		t.Fatal(err)
	}
	data, err := Read(path)
	if err != nil || string(data) != "two+" {
		t.Fatalf("%q %v", data, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", fi.Mode().Perm())
	}
}
