package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScanLines: every line of the file is one utterance; jsonl has one
// object per hit with the contract's fields and the line it came from.
func TestScanLines(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.txt")
	in := "this cream cures diabetes, add me on WeChat\n\nwelcome back everyone\n加我威信，全网最低价\n"
	if err := os.WriteFile(path, []byte(in), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "scan", "--lines", path, "--format", "jsonl")
	if err != nil {
		t.Fatal(err, out)
	}
	perLine := map[int]map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		for _, k := range []string{"rule_id", "category", "severity", "matched_text", "start_ms", "end_ms", "line"} {
			if _, ok := o[k]; !ok {
				t.Errorf("object %s lacks %q", l, k)
			}
		}
		if _, ok := o["hits"]; ok {
			t.Errorf("a per-hit object lists hits: %s", l)
		}
		n := int(o["line"].(float64))
		if perLine[n] == nil {
			perLine[n] = map[string]bool{}
		}
		perLine[n][o["category"].(string)] = true
	}
	if !perLine[1]["medical-claim"] || !perLine[1]["private-goods"] {
		t.Errorf("line 1: %v, want medical-claim and private-goods on their own lines", perLine[1])
	}
	if len(perLine[2])+len(perLine[3]) != 0 {
		t.Errorf("blank and clean lines fired: %v %v", perLine[2], perLine[3])
	}
	if !perLine[4]["private-goods"] || !perLine[4]["price-fraud"] {
		t.Errorf("line 4: %v, want private-goods and price-fraud", perLine[4])
	}
}

// TestScanLinesStdinAndText: "-" reads stdin; text output prints the
// sentence with every rule it breaks; --text and --lines exclude each other.
func TestScanLinesStdinAndText(t *testing.T) {
	root := newRootCmd()
	var out strings.Builder
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetIn(strings.NewReader("this cream cures diabetes, add me on WeChat\n"))
	root.SetArgs([]string{"scan", "--lines", "-"})
	if err := root.Execute(); err != nil {
		t.Fatal(err, out.String())
	}
	if s := out.String(); !strings.Contains(s, "line 1: \"this cream cures diabetes") || !strings.Contains(s, "medical-claim") || !strings.Contains(s, "private-goods") {
		t.Errorf("text output:\n%s", s)
	}
	if out, err := runCmd(t, "scan", "--lines", "-", "--text", "x"); err == nil || !strings.Contains(err.Error(), "one of") {
		t.Errorf("--text with --lines: %v %s", err, out)
	}
	if _, err := runCmd(t, "scan", "--lines", "/nonexistent/file"); err == nil {
		t.Error("a missing --lines file must fail")
	}
}

// TestScanLinesWindowsFile: a sentence list saved by a Windows editor
// (a byte-order mark, CRLF line ends) is read as its sentences: the mark is
// not quoted as part of line 1's utterance.
func TestScanLinesWindowsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "w.txt")
	if err := os.WriteFile(path, []byte("\ufeff加我威信\r\n\r\nthis cures cancer\r\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "scan", "--lines", path, "--format", "jsonl")
	if err != nil {
		t.Fatal(err, out)
	}
	lines := map[int]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var o struct {
			Line    int    `json:"line"`
			Context string `json:"context"`
		}
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatalf("not JSON: %q: %v", l, err)
		}
		lines[o.Line] = o.Context
	}
	if lines[1] != "加我威信" || lines[3] != "this cures cancer" || len(lines) != 2 {
		t.Errorf("utterances by line %v, want 1: 加我威信 and 3: this cures cancer", lines)
	}
}
