package pinyin

import (
	"slices"
	"testing"
)

func TestReadings(t *testing.T) {
	tests := []struct {
		r    rune
		want []string
	}{
		{'信', []string{"xin", "shen"}},
		{'微', []string{"wei"}},
		{'绿', []string{"lv", "lu"}},
		{'a', nil},
	}
	for _, tt := range tests {
		if got := Readings(tt.r); !slices.Equal(got, tt.want) {
			t.Errorf("Readings(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"weixin", []string{"wei", "xin"}},
		{"jiawo", []string{"jia", "wo"}},
		{"zhuang", []string{"zhuang"}},
		{"hello", nil},
		{"kiu", nil}, // a letter name, not pinyin
		{"", nil},
	}
	for _, tt := range tests {
		if got := Split(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("Split(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestTable(t *testing.T) {
	py := Default()
	if py != Default() {
		t.Fatal("Default builds one table")
	}
	name := func(ss []Syllable) []string {
		var out []string
		for _, s := range ss {
			out = append(out, py.Name(s))
		}
		return out
	}
	zhi, ok := py.Lookup("zhi")
	if !ok || py.Name(py.Fuzzy(zhi)) != "zi" {
		t.Errorf("fuzzy zhi: %v %q", ok, py.Name(py.Fuzzy(zhi)))
	}
	xing, _ := py.Lookup("xing")
	if py.Name(py.Fuzzy(xing)) != "xin" || py.Initial(xing) != 'x' || py.Initial(0) != 0 {
		t.Error("fuzzy or initial of xing")
	}
	if got := name(py.Letter('v')); !slices.Equal(got, []string{"wei", "wi"}) {
		t.Errorf("letter v = %v", got)
	}
	if got := name(py.Syllables('微')); !slices.Equal(got, []string{"wei"}) {
		t.Errorf("syllables 微 = %v", got)
	}
	if !py.SamePrimary('威', '微') || py.SamePrimary('维', '微') {
		t.Error("SamePrimary: 威/微 share wēi, 维 is wéi")
	}
	if !py.SharedTone('行', '航') || py.SharedTone('王', '或') {
		t.Error("SharedTone: 行/航 share háng; 王/或 share only a rare reading")
	}
	if segs := name(py.Segments("weixin")); !slices.Contains(segs, "wei") || !slices.Contains(segs, "xin") {
		t.Errorf("segments weixin = %v", segs)
	}
	if py.Segments("qqq1") != nil {
		t.Error("segments of a non-pinyin word")
	}
	if !Contains([]Syllable{1, 2}, 2) || Contains(nil, 1) {
		t.Error("Contains")
	}
}
