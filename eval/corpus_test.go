package eval

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseLabelsErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{}`, `missing "expect"`},
		{`{"expct": []}`, "unknown field"},
		{`{"expect": [{"category": "", "start_ms": 0, "end_ms": 1}]}`, "category is empty"},
		{`{"expect": [{"category": "x", "start_ms": 5, "end_ms": 1}]}`, "before start_ms"},
		{`{"expect": [{"category": "x", "start_ms": -5, "end_ms": 1}]}`, "negative"},
		{`{"expect": []} x`, "trailing"},
		{`[]`, "labels"},
	} {
		if _, err := ParseLabels([]byte(tc.in)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseLabels(%s) = %v, want %q", tc.in, err, tc.want)
		}
	}
	l, err := ParseLabels([]byte(`{"expect": []}`))
	if err != nil || len(l.Expect) != 0 {
		t.Errorf("clean speech: %v %v", l, err)
	}
}

func TestLoadCorpus(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := LoadCorpus(dir); err == nil || !strings.Contains(err.Error(), "no NAME.wav") {
		t.Errorf("empty dir: %v", err)
	}
	write("a.wav", "RIFF")
	if _, err := LoadCorpus(dir); err == nil || !strings.Contains(err.Error(), "labels of") {
		t.Errorf("wav without json: %v", err)
	}
	write("a.json", `{"expect": [{"category": "price-fraud", "start_ms": 1, "end_ms": 2}]}`)
	write("t.jsonl", "# comment\n{\"text\": \"加我威信\", \"expect\": [\"private-goods\"]}\n\n")
	c, err := LoadCorpus(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Audio) != 1 || c.Audio[0].Expect[0].Category != "price-fraud" || len(c.Text) != 1 || c.Text[0].Where != "t.jsonl:2" {
		t.Errorf("corpus %+v", c)
	}
	write("t.jsonl", `{"text": ""}`)
	if _, err := LoadCorpus(dir); err == nil || !strings.Contains(err.Error(), "t.jsonl:1") {
		t.Errorf("bad text case: %v", err)
	}
}

func TestEmbeddedSentences(t *testing.T) {
	v, err := Violations()
	if err != nil {
		t.Fatal(err)
	}
	cats := map[string]int{}
	for _, x := range v {
		cats[x.Category]++
	}
	if len(cats) != 6 || len(CleanSentences()) < 30 {
		t.Errorf("categories %v, clean %d", cats, len(CleanSentences()))
	}
}

func FuzzParseLabels(f *testing.F) {
	f.Add([]byte(`{"expect": [{"category": "medical-claim", "start_ms": 100, "end_ms": 900}]}`))
	f.Add([]byte(`{"expect": []}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseLabels(b)
		if err != nil {
			return
		}
		for _, e := range l.Expect {
			if e.EndMs < e.StartMs || e.StartMs < 0 || strings.TrimSpace(e.Category) == "" {
				t.Fatalf("accepted %+v", e)
			}
		}
	})
}

func FuzzParseTextCase(f *testing.F) {
	f.Add([]byte(`{"text": "加我威信", "expect": ["private-goods"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tc, err := ParseTextCase(b)
		if err == nil && strings.TrimSpace(tc.Text) == "" {
			t.Fatal("accepted empty text")
		}
	})
}
