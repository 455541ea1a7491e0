package phonetic

import (
	"strings"
	"testing"
)

func FuzzParseDict(f *testing.F) {
	f.Add(miniDict)
	f.Add("a(2) AH0\n;;; x\n#\n")
	f.Add("x(\n(y) Z\n")
	f.Fuzz(func(t *testing.T, in string) {
		d, err := ParseDict(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, line := range strings.Split(in, "\n") {
			if w := strings.Fields(line); len(w) > 0 {
				d.Pronounce(w[0])
			}
		}
	})
}

func FuzzFind(f *testing.F) {
	d, err := ParseDict(strings.NewReader(miniDict))
	if err != nil {
		f.Fatal(err)
	}
	ix := NewIndex(d, IndexOptions{})
	for i, p := range []string{"cures cancer", "we chat", "read cancer"} {
		if err := ix.Add(i, strings.Fields(p)); err != nil {
			f.Fatal(err)
		}
	}
	f.Add("cure cancer we chat")
	f.Add("read read read cures")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		words := strings.Fields(s)
		for _, m := range ix.Find(words) {
			if m.StartWord < 0 || m.EndWord > len(words) || m.StartWord >= m.EndWord {
				t.Fatalf("bad span %+v for %d words", m, len(words))
			}
			if m.Score <= 0 || m.Score > 1 || m.Distance < 0 {
				t.Fatalf("bad score %+v", m)
			}
		}
	})
}
