package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	root := newRootCmd()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

func TestEvalTextCorpus(t *testing.T) {
	dir := t.TempDir()
	cases := `{"text": "add me on WeChat for a discount", "expect": ["private-goods"]}
{"text": "加我威信", "expect": ["private-goods"]}
{"text": "welcome back everyone", "expect": []}
`
	if err := os.WriteFile(filepath.Join(dir, "t.jsonl"), []byte(cases), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "eval", dir, "--format", "json", "--recognizer", "none")
	if err != nil {
		t.Fatal(err, out)
	}
	var rep struct {
		Text struct {
			Recall, Precision float64
			Cases             int
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err, out)
	}
	if rep.Text.Cases != 3 || rep.Text.Recall != 1 || rep.Text.Precision != 1 {
		t.Errorf("text report %+v\n%s", rep.Text, out)
	}
}

func TestEvalAndCorpusErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"eval", t.TempDir()}, "no NAME.wav"},
		{[]string{"eval", "/nonexistent-dir"}, "no such file"},
		{[]string{"eval", t.TempDir(), "--format", "xml"}, "--format"},
		{[]string{"corpus", "gen"}, "out"},
		{[]string{"corpus", "gen", "--out", t.TempDir(), "--snr", "loud"}, "--snr"},
		{[]string{"corpus", "gen", "--out", t.TempDir(), "--voices", "say:alex"}, "unknown voice"},
		{[]string{"corpus", "gen", "--out", t.TempDir(), "--size", "huge"}, "size"},
	} {
		out, err := runCmd(t, tc.args...)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: error %v (output %q), want %q", tc.args, err, out, tc.want)
		}
	}
}
