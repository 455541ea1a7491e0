package vosk

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/fakeasr"
)

type collector struct {
	mu  sync.Mutex
	hyp []transcript.Hypothesis
}

func (c *collector) emit(h transcript.Hypothesis) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hyp = append(c.hyp, h)
}

func (c *collector) finals() []transcript.Hypothesis {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []transcript.Hypothesis
	for _, h := range c.hyp {
		if h.Final {
			out = append(out, h)
		}
	}
	return out
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// feed writes secs of audio in 100 ms chunks from stream time at.
func feed(t *testing.T, s transcript.Stream, secs float64, at time.Duration) {
	t.Helper()
	chunk := make([]int16, 1600)
	for i := range chunk {
		chunk[i] = int16(i % 300)
	}
	for i := 0; i < int(secs*10); i++ {
		if err := s.Write(chunk, at+time.Duration(i)*100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVosk(t *testing.T) {
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
			f := fakeasr.NewVosk(text, tc.b)
			defer f.Close()
			r, err := New(Config{URL: f.URL(), Timeout: tc.timeout, Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			c := &collector{}
			s, err := r.Open(context.Background(), c.emit)
			if err != nil {
				t.Fatal(err)
			}
			feed(t, s, 2.5, 3*time.Second)
			if err := s.EndUtterance(); err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			fin := c.finals()
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

func TestVoskPartialsAndUtterances(t *testing.T) {
	f := fakeasr.NewVosk("add me on wechat", fakeasr.Behavior{})
	defer f.Close()
	r, _ := New(Config{URL: f.URL(), Logger: quiet()})
	c := &collector{}
	s, _ := r.Open(context.Background(), c.emit)
	for i := range 15 { // paced, so answers arrive between writes
		if err := s.Write(make([]int16, 1600), time.Duration(i)*100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = s.EndUtterance()
	feed(t, s, 1.5, 5*time.Second)
	_ = s.Close()
	fin := c.finals()
	if len(fin) != 2 || fin[1].Utterance != 2 || fin[1].Start != 5*time.Second {
		t.Fatalf("finals %+v, want two utterances", fin)
	}
	partials := len(c.hyp) - len(fin)
	if partials < 2 {
		t.Errorf("%d partials, want several", partials)
	}
	if err := s.Write(make([]int16, 10), 0); err != ErrClosed {
		t.Errorf("Write after Close = %v, want ErrClosed", err)
	}
}

func TestVoskUnreachable(t *testing.T) {
	r, _ := New(Config{URL: "ws://127.0.0.1:1", Timeout: time.Second, Logger: quiet()})
	c := &collector{}
	s, _ := r.Open(context.Background(), c.emit)
	feed(t, s, 0.3, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if r.Errors() != 1 || len(c.hyp) != 0 {
		t.Errorf("errors %d hyps %d, want 1 error and nothing emitted", r.Errors(), len(c.hyp))
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "http://x:1", "ws://", "::"} {
		if _, err := New(Config{URL: u}); err == nil || !strings.Contains(err.Error(), "url") {
			t.Errorf("New(%q) = %v, want a url error", u, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"partial" : "add me"}`))
	f.Add([]byte(`{"result":[{"conf":1,"end":0.6,"start":0.3,"word":"me"}],"text":"me"}`))
	f.Add([]byte(`{"text": ""}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			return
		}
		_ = m.ResultText()
		for _, w := range m.Result {
			if w.End < w.Start || w.Start < 0 {
				t.Fatalf("accepted bad word %+v", w)
			}
		}
	})
}
