package sphinx

import (
	"reflect"
	"testing"
	"time"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<s> this <sil> cream(2) [NOISE] cures ++BREATH++ cancer </s>", "this cream cures cancer"},
		{"", ""},
		{"<sil> [SPEECH]", ""},
		{"read(2)", "read"},
	}
	for _, tt := range tests {
		if got := cleanText(tt.in); got != tt.want {
			t.Errorf("cleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestToWords(t *testing.T) {
	segs := []segment{
		{word: "<s>", start: 0, end: 9},
		{word: "cures(2)", start: 10, end: 39, prob: 0.9},
		{word: "<sil>", start: 40, end: 44},
		{word: "cancer ", start: 45, end: 99, prob: 0.8},
	}
	start := 5 * time.Second
	got := toWords(segs, start, start+900*time.Millisecond, true)
	ms := time.Millisecond
	if len(got) != 2 || got[0].Text != "cures" || got[1].Text != "cancer" ||
		got[0].Start != start+100*ms || got[0].End != start+400*ms ||
		got[1].End != start+900*ms || got[1].Confidence != 0.8 {
		t.Fatalf("toWords = %+v", got)
	}
	if p := toWords(segs, 0, time.Second, false); p[0].Confidence != 0 {
		t.Errorf("partial word has confidence %v", p[0].Confidence)
	}
}

func TestAlternatives(t *testing.T) {
	raw := []string{"this cream cures", "<s> this cream cures </s>", "this scream cures", "", "the cream cures", "this scream cures(2)"}
	got := alternatives(raw, "this cream cures", 5)
	want := []string{"this scream cures", "the cream cures"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("alternatives = %v, want %v", got, want)
	}
	if got := alternatives(raw, "x", 1); len(got) != 1 {
		t.Fatalf("n=1 gave %v", got)
	}
}

func TestWER(t *testing.T) {
	tests := []struct {
		ref, hyp string
		want     float64
	}{
		{"a b c d", "a b c d", 0},
		{"a b c d", "a x c", 0.5},
		{"a b", "", 1},
	}
	for _, tt := range tests {
		if got := wer(tt.ref, tt.hyp); got != tt.want {
			t.Errorf("wer(%q, %q) = %v, want %v", tt.ref, tt.hyp, got, tt.want)
		}
	}
}
