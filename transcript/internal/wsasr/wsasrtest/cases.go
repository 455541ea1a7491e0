package wsasrtest

import (
	"testing"
	"time"

	"github.com/earshot/earshot/transcript/internal/fakeasr"
)

func testFinal(t *testing.T, tg Target) {
	const text = "this cream cures diabetes for sure"
	cases := []struct {
		name      string
		b         fakeasr.Behavior
		timeout   time.Duration
		wantFinal string
		wantErrs  uint64
	}{
		{"plain", fakeasr.Behavior{}, 5 * time.Second, text, 0},
		{"server endpoint mid-utterance", fakeasr.Behavior{SplitAt: 2}, 5 * time.Second, text, 0},
		{"garbage message ignored", fakeasr.Behavior{Garbage: "{not json"}, 5 * time.Second, text, 0},
		{"stalled eof times out", fakeasr.Behavior{Stall: true}, 300 * time.Millisecond, "", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := tg.NewFake(text, tc.b)
			defer f.Close()
			r, s, c := open(t, tg, f.URL(), tc.timeout)
			feed(t, s, 2.5, 3*time.Second)
			if err := s.EndUtterance(); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			fin := c.Finals()
			if tc.wantFinal == "" {
				if len(fin) != 0 {
					t.Errorf("finals %+v, want none", fin)
				}
			} else if len(fin) != 1 || fin[0].Text != tc.wantFinal {
				t.Fatalf("finals %+v, want one %q", fin, tc.wantFinal)
			} else {
				h := fin[0]
				if h.Utterance != 1 || h.Start != 3*time.Second || len(h.Words) != 6 || h.Words[2].Start != 3*time.Second+600*time.Millisecond {
					t.Errorf("final %+v: wrong utterance, start or word times", h)
				}
			}
			if r.Errors() != tc.wantErrs {
				t.Errorf("errors %d, want %d", r.Errors(), tc.wantErrs)
			}
			if v := f.Violations(); len(v) > 0 {
				t.Errorf("protocol violations: %v", v)
			}
			if got := f.Samples(); len(got) != 1 || got[0] != 25*1600 {
				t.Errorf("server heard %v samples, want [%d]", got, 25*1600)
			}
		})
	}
}

func testPartials(t *testing.T, tg Target) {
	f := tg.NewFake("add me on wechat", fakeasr.Behavior{})
	defer f.Close()
	_, s, c := open(t, tg, f.URL(), 0)
	for i := range 15 { // paced, so answers arrive between writes
		if err := s.Write(make([]int16, 1600), time.Duration(i)*100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = s.EndUtterance()
	feed(t, s, 1.5, 5*time.Second)
	_ = s.Close()
	fin := c.Finals()
	if len(fin) != 2 || fin[1].Utterance != 2 || fin[1].Start != 5*time.Second {
		t.Fatalf("finals %+v, want two utterances", fin)
	}
	partials := len(c.All()) - len(fin)
	if partials < 2 {
		t.Errorf("%d partials, want several", partials)
	}
	if err := s.Write(make([]int16, 10), 0); err != tg.ErrClosed {
		t.Errorf("Write after Close = %v, want ErrClosed", err)
	}
}

func testUnreachable(t *testing.T, tg Target) {
	r, s, c := open(t, tg, "ws://127.0.0.1:1", time.Second)
	feed(t, s, 0.3, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if r.Errors() != 1 || len(c.All()) != 0 {
		t.Errorf("errors %d hyps %d, want 1 error and nothing emitted", r.Errors(), len(c.All()))
	}
}
