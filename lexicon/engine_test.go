package lexicon

import (
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/transcript"
)

func w(text string, start, end time.Duration) transcript.Word {
	return transcript.Word{Text: text, Start: start, End: end, Confidence: 1}
}

func TestTimestamps(t *testing.T) {
	e := testEngine(t, Options{})
	ms := time.Millisecond
	h := transcript.Hypothesis{Text: "you can add me on wechat today", Start: 0, End: 3000 * ms,
		Words: []transcript.Word{w("you", 0, 200*ms), w("can", 200*ms, 400*ms),
			w("add", 400*ms, 700*ms), w("me", 700*ms, 800*ms), w("on", 800*ms, 900*ms),
			w("wechat", 900*ms, 1500*ms), w("today", 1500*ms, 2000*ms)}}
	hit := hitFor(e.Match(h), "pg-wechat")
	if hit == nil || hit.Start != 400*ms || hit.End != 1500*ms {
		t.Fatalf("got %+v, want 400ms..1500ms", hit)
	}
	// Chinese words (no spaces in Text), match inside a word.
	zh := transcript.Hypothesis{Text: "大家加微信吧", Start: 5 * time.Second, End: 8 * time.Second,
		Words: []transcript.Word{w("大家", 5000*ms, 5500*ms), w("加", 5500*ms, 5700*ms),
			w("微信吧", 5700*ms, 6400*ms)}}
	hit = hitFor(e.Match(zh), "pg-wechat")
	if hit == nil || hit.Start != 5500*ms || hit.End != 6400*ms || hit.MatchedText != "加微信" {
		t.Fatalf("got %+v", hit)
	}
	// No words: utterance bounds; text empty but words present: joined.
	hit = hitFor(e.Match(transcript.Hypothesis{Text: "加微信", Start: time.Second, End: 2 * time.Second}), "pg-wechat")
	if hit == nil || hit.Start != time.Second || hit.End != 2*time.Second {
		t.Fatalf("got %+v", hit)
	}
	hit = hitFor(e.Match(transcript.Hypothesis{Words: zh.Words}), "pg-wechat")
	if hit == nil || hit.Start != 5500*ms {
		t.Fatalf("words only: got %+v", hit)
	}
}

func TestAlternatives(t *testing.T) {
	e := testEngine(t, Options{})
	hits := e.Match(transcript.Hypothesis{Text: "今天天气不错", Alternatives: []string{"今天加微信"}, End: time.Second})
	h := hitFor(hits, "pg-wechat")
	if h == nil || h.Score >= 1 || h.End != time.Second {
		t.Fatalf("got %+v", hits)
	}
}

func TestDeclaredGuards(t *testing.T) {
	e := compileYAML(t, "g.yaml", `format: 1
rules:
  - id: ac-top
    category: absolute-claim
    severity: low
    patterns:
      - phrase: 顶级
        not_followed_by: [玩家]
        not_preceded_by: [不是]
      - phrase: top
        not_inside: [top up]
    reminder: r
`)
	for text, want := range map[string]bool{"顶级面料": true, "顶级玩家": false, "这不是顶级货": false,
		"top quality": true, "please top up": false} {
		if got := hitFor(e.MatchText(text), "ac-top") != nil; got != want {
			t.Errorf("%q: hit %v, want %v; %+v", text, got, want, e.Explain(text))
		}
	}
}

func TestExplain(t *testing.T) {
	e := testEngine(t, Options{})
	xs := e.Explain("最近不要加别人微信，第一次来的加我vx")
	var fired, cancelled []string
	for _, x := range xs {
		if x.Fired {
			fired = append(fired, x.RuleID+":"+x.MatchedText+":"+x.Via)
		}
		if x.Matched && x.Cancelled != "" {
			cancelled = append(cancelled, x.RuleID+":"+x.Cancelled)
		}
	}
	got := strings.Join(fired, ",") + "|" + strings.Join(cancelled, ",")
	for _, want := range []string{"pg-wechat:vx:initials", `pg-wechat:exception "不要加"`,
		"ac-most:guard not_followed_by 近", "ac-first:guard not_followed_by 次"} {
		if !strings.Contains(got, want) {
			t.Errorf("explain lacks %q: %s", want, got)
		}
	}
}

func TestSearchRules(t *testing.T) {
	e := testEngine(t, Options{})
	for q, want := range map[string]string{"微信": "pg-wechat", "category:medical-claim": "mc-cure",
		"diabetes": "mc-cure", "paypal": "pg-transfer", "id:pf-lowest": "pf-lowest"} {
		refs, err := e.SearchRules(q, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(refs) == 0 || refs[0].ID != want {
			t.Errorf("%q: got %+v, want %s first", q, refs, want)
		}
	}
}

// fakePhonetic matches registered phrases when words equal them after
// reading "sure is" as "cures": enough to exercise the plumbing.
type fakePhonetic struct{ phrases map[int][]string }

func (f *fakePhonetic) AddScored(id int, words []string, _ float64) error {
	if f.phrases == nil {
		f.phrases = map[int][]string{}
	}
	f.phrases[id] = words
	return nil
}

func (f *fakePhonetic) FindAmong(words []string, allow func(int) bool) []PhoneticMatch {
	var out []PhoneticMatch
	for id, ph := range f.phrases {
		if allow != nil && !allow(id) {
			continue
		}
		if len(ph) == 2 && ph[0] == "cures" {
			for i := 0; i+2 < len(words); i++ {
				if words[i] == "sure" && words[i+1] == "is" && words[i+2] == ph[1] {
					out = append(out, PhoneticMatch{ID: id, StartWord: i, EndWord: i + 3, Distance: 1, Score: 0.8})
				}
			}
		}
	}
	return out
}

func TestPhonetic(t *testing.T) {
	text := "this will sure is cancer"
	if hitFor(testEngine(t, Options{}).MatchText(text), "mc-cure") != nil {
		t.Fatal("without phonetic there should be no hit")
	}
	e := testEngine(t, Options{Phonetic: &fakePhonetic{}})
	h := hitFor(e.MatchText(text), "mc-cure")
	if h == nil || h.Via != "phonetic" || h.MatchedText != "sure is cancer" || h.Score != 0.8 {
		t.Fatalf("got %+v", h)
	}
	if hitFor(e.MatchText("it does not sure is cancer"), "mc-cure") != nil {
		t.Fatal("exception should cancel a phonetic hit")
	}
}

func TestConcurrentMatch(t *testing.T) {
	e := testEngine(t, Options{})
	texts := []string{"加我威信", "it cures diabetes", "最近第一次来", "幺三八零零幺三八零零零", "add me on wechat"}
	want := make([]int, len(texts))
	for i, s := range texts {
		want[i] = len(e.MatchText(s))
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				i := (g + n) % len(texts)
				if got := len(e.MatchText(texts[i])); got != want[i] {
					t.Errorf("%q: %d hits, want %d", texts[i], got, want[i])
					return
				}
			}
		}(g)
	}
	wg.Add(1)
	go func() { defer wg.Done(); _, _ = e.SearchRules("微信", 5) }()
	wg.Wait()
}
