package openai

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/fakeasr"
)

// utterance writes secs of audio from stream time at and ends it.
func utterance(t *testing.T, s transcript.Stream, secs float64, at time.Duration) {
	t.Helper()
	for i := 0; i < int(secs*10); i++ {
		if err := s.Write(make([]int16, 1600), at+time.Duration(i)*100*time.Millisecond); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.EndUtterance(); err != nil {
		t.Fatal(err)
	}
}

func TestTranscribe(t *testing.T) {
	const text = "pay me on paypal"
	cases := []struct {
		name      string
		setup     func(*fakeasr.OpenAI)
		cfg       Config
		wantText  string
		wantCalls int
		wantErrs  uint64
	}{
		{"ok", func(*fakeasr.OpenAI) {}, Config{}, text, 1, 0},
		{"503 then ok", func(f *fakeasr.OpenAI) { f.Fail = 2 }, Config{Retries: 2, Backoff: time.Millisecond}, text, 3, 0},
		{"429 retried", func(f *fakeasr.OpenAI) { f.Fail, f.FailStatus = 1, 429 }, Config{Backoff: time.Millisecond}, text, 2, 0},
		{"503 beyond retries", func(f *fakeasr.OpenAI) { f.Fail = 5 }, Config{Retries: 1, Backoff: time.Millisecond}, "", 2, 1},
		{"400 not retried", func(f *fakeasr.OpenAI) { f.Fail, f.FailStatus = 5, http.StatusBadRequest }, Config{Backoff: time.Millisecond}, "", 1, 1},
		{"api key", func(f *fakeasr.OpenAI) { f.APIKey = "k" }, Config{APIKey: "k"}, text, 1, 0},
		{"wrong api key", func(f *fakeasr.OpenAI) { f.APIKey = "k" }, Config{APIKey: "x"}, "", 0, 1},
		{"garbage", func(f *fakeasr.OpenAI) { f.Garbage = "<html>oops" }, Config{}, "", 1, 1},
		{"timeout", func(f *fakeasr.OpenAI) { f.Delay = 2 * time.Second }, Config{Timeout: 50 * time.Millisecond, Retries: -1}, "", 1, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeasr.NewOpenAI(text)
			defer f.Close()
			tc.setup(f)
			cfg := tc.cfg
			cfg.BaseURL, cfg.Logger = f.URL, testutil.Quiet()
			r, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			c := &testdouble.Collector{}
			s, _ := r.Open(context.Background(), c.Emit)
			utterance(t, s, 1.2, 2*time.Second)
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			hyps := c.All()
			if tc.wantText == "" && len(hyps) != 0 {
				t.Errorf("emitted %+v, want nothing", hyps)
			}
			if tc.wantText != "" {
				if len(hyps) != 1 || !hyps[0].Final || hyps[0].Text != tc.wantText || hyps[0].Start != 2*time.Second {
					t.Fatalf("emitted %+v, want one final %q at 2s", hyps, tc.wantText)
				}
				if w := hyps[0].Words; len(w) != 4 || w[3].End != 2*time.Second+1200*time.Millisecond {
					t.Errorf("words %+v: want 4 words ending at 3.2s", w)
				}
			}
			reqs := f.Requests()
			if len(reqs) != tc.wantCalls {
				t.Errorf("%d requests, want %d", len(reqs), tc.wantCalls)
			}
			if len(reqs) > 0 && (reqs[0].Format != "verbose_json" || reqs[0].Samples != 19200 || reqs[0].Model != "whisper-1" || reqs[0].Granularities[0] != "word") {
				t.Errorf("request %+v", reqs[0])
			}
			if r.Errors() != tc.wantErrs {
				t.Errorf("errors %d, want %d", r.Errors(), tc.wantErrs)
			}
		})
	}
}

func TestPartialsAndConcurrency(t *testing.T) {
	f := fakeasr.NewOpenAI("one two three")
	defer f.Close()
	f.Delay = 20 * time.Millisecond
	r, _ := New(Config{BaseURL: f.URL, PartialEvery: 500 * time.Millisecond, Concurrency: 2, Logger: testutil.Quiet()})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			c := &testdouble.Collector{}
			s, _ := r.Open(context.Background(), c.Emit)
			utterance(t, s, 1.2, 0)
			_ = s.Close()
			hyps := c.All()
			if len(hyps) != 2 || hyps[0].Final || !hyps[1].Final {
				t.Errorf("hyps %+v: want a partial (text changed once) then a final", hyps)
			}
		})
	}
	wg.Wait()
	if p := f.PeakInFlight(); p > 2 {
		t.Errorf("peak %d requests in flight, want at most 2", p)
	}
	if n := len(f.Requests()); n != 4*3 {
		t.Errorf("%d requests, want 12 (two partials and a final per stream)", n)
	}
}

func TestNewRejectsBadURL(t *testing.T) {
	for _, u := range []string{"", "ws://x", "http://", "::"} {
		if _, err := New(Config{BaseURL: u}); err == nil {
			t.Errorf("New(%q) succeeded", u)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"text":"hi","segments":[{"start":0,"end":1,"text":"hi"}],"words":[{"word":"hi","start":0,"end":0.5}]}`))
	f.Add([]byte(`{"text":"","segments":[{"start":0,"end":1,"text":" a ","words":[{"word":"a","start":0.1,"end":0.2}]}]}`))
	f.Add([]byte(`{"words":[{"word":"x","start":-1,"end":2}]}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Decode(data)
		if err != nil {
			return
		}
		_ = r.Transcript()
		for _, w := range r.AllWords() {
			if w.End < w.Start || w.Start < 0 {
				t.Fatalf("accepted bad word %+v", w)
			}
		}
	})
}
