package sherpa

import (
	"testing"

	"github.com/earshot/earshot/transcript/internal/fakeasr"
	"github.com/earshot/earshot/transcript/internal/wsasr/wsasrtest"
)

// TestSherpa runs the behaviour shared with the other WebSocket recognizers
// against the sherpa fake.
func TestSherpa(t *testing.T) {
	wsasrtest.Run(t, wsasrtest.Target{NewFake: wsasrtest.FakeOf(fakeasr.NewSherpa), New: wsasrtest.NewOf(New), ErrClosed: ErrClosed})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{ "text": "ADD ME", "tokens": ["▁ADD", "▁ME"], "timestamps": [0.00, 0.30], "ys_probs": [], "lm_probs": [], "context_scores": [], "segment": 0, "words": [], "start_time": 0.00, "is_final": false}`))
	f.Add([]byte(`{"text":"加我微信","tokens":["加","我","微","信"],"timestamps":[0,0.1,0.2,0.3],"segment":2,"start_time":1.5}`))
	f.Add([]byte(`Done!`))
	f.Add([]byte(`{"tokens":["a"],"timestamps":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(data)
		if err != nil {
			return
		}
		for _, w := range r.words() {
			if w.end < w.start || w.text == "" {
				t.Fatalf("bad word %+v", w)
			}
		}
	})
}

func TestWordsFromTokens(t *testing.T) {
	r := Result{Tokens: []string{"▁CU", "RES", "▁IT", "加", "我"}, Timestamps: []float64{0, 0.1, 0.3, 0.5, 0.6}, StartTime: 1}
	got := r.words()
	want := []string{"cures", "it", "加", "我"}
	if len(got) != len(want) {
		t.Fatalf("words %+v, want %v", got, want)
	}
	for i := range want {
		if got[i].text != want[i] {
			t.Errorf("word %d = %q, want %q", i, got[i].text, want[i])
		}
	}
	if got[0].start != 1 || got[1].start != 1.3 {
		t.Errorf("times %+v: want start_time added", got)
	}
}
