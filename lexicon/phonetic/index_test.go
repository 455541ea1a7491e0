package phonetic

import (
	"errors"
	"strings"
	"testing"
)

func TestAddErrors(t *testing.T) {
	d := loadSystemDict(t)
	ix := NewIndex(d, IndexOptions{})
	tests := []struct {
		phrase string
		want   error
	}{
		{"cures xqzzyv", ErrUnknownWord},
		{"cure", nil}, // K Y UH R: exactly MinPhones
		{"", ErrTooShort},
		{"no", ErrTooShort},
	}
	for _, tt := range tests {
		err := ix.Add(1, strings.Fields(tt.phrase))
		if !errors.Is(err, tt.want) {
			t.Errorf("Add(%q) = %v, want %v", tt.phrase, err, tt.want)
		}
	}
}

func TestFindPositives(t *testing.T) {
	d := loadSystemDict(t)
	ix := newClaimIndex(t, d)
	tests := []struct {
		utterance, phrase, span string
	}{
		{"this cream cure is cancer and diabetes", "cures cancer", "cure is cancer"},
		{"this cream cures cancer", "cures cancer", "cures cancer"},
		{"it gears cancer fast", "cures cancer", "gears cancer"},
		{"and no side affects at all", "no side effects", "no side affects"},
		{"send it with pay me on pay pal", "pay me on paypal", "pay me on pay pal"},
		{"just add me on we chat", "add me on wechat", "add me on we chat"},
		{"i'll put a link in the bio", "link in bio", "link in the bio"},
		{"our doctor recommended it", "doctors recommend", "doctor recommended"},
		{"this is the best", "the best", "the best"},
		{"it treat diabetes", "treats diabetes", "treat diabetes"},
	}
	for _, tt := range tests {
		t.Run(tt.utterance, func(t *testing.T) {
			words := strings.Fields(tt.utterance)
			for _, m := range ix.Find(words) {
				got := strings.Join(words[m.StartWord:m.EndWord], " ")
				if claimPhrases[m.ID] == tt.phrase && got == tt.span {
					if m.Score <= 0 || m.Score > 1 {
						t.Errorf("score %v out of (0,1]", m.Score)
					}
					return
				}
			}
			t.Errorf("no match of %q on %q; got %v", tt.phrase, tt.span, ix.Find(words))
		})
	}
}

// cleanSpeech is ordinary live-commerce talk that breaks no rule.
var cleanSpeech = []string{
	"we have a great deal on these shoes today",
	"the rest of the collection ships next week",
	"the test results for the fabric are in",
	"let me show you the fabric up close",
	"this jacket comes in three colors",
	"you can wear it to work or to a party",
	"tap the cart button to see the sizes",
	"the cream feels light and smells like roses",
	"i use it every morning after i wash my face",
	"thank you all for joining the stream tonight",
	"remember to follow the shop for new arrivals",
	"the bag has two pockets and a zipper inside",
	"it is made of cotton and it is very soft",
	"shipping takes about three to five days",
	"my sister loves this color on her",
	"check the reviews from other buyers",
	"we will do a giveaway at the end of the show",
	"hold it up to the light so you can see",
	"this one is a little bigger than the last",
	"our team packs every order by hand",
}

func TestFindNoMatchesOnCleanSpeech(t *testing.T) {
	d := loadSystemDict(t)
	ix := newClaimIndex(t, d)
	for _, s := range cleanSpeech {
		words := strings.Fields(s)
		for _, m := range ix.Find(words) {
			t.Errorf("%q: false match %q on %q (score %.2f)", s, claimPhrases[m.ID],
				strings.Join(words[m.StartWord:m.EndWord], " "), m.Score)
		}
	}
}

func TestFindUnknownWordIsBarrier(t *testing.T) {
	d := loadSystemDict(t)
	ix := newClaimIndex(t, d)
	words := strings.Fields("cures xqzzyv cancer")
	if ms := ix.Find(words); len(ms) != 0 {
		t.Fatalf("Find across unknown word = %v, want none", ms)
	}
}

func TestFindOverlapsReduced(t *testing.T) {
	d := loadSystemDict(t)
	ix := newClaimIndex(t, d)
	words := strings.Fields("a cures cancer a")
	ms := ix.Find(words)
	if len(ms) != 1 || ms[0].StartWord != 1 || ms[0].EndWord != 3 || ms[0].Distance != 0 {
		t.Fatalf("Find = %+v, want one exact match on words 1..3", ms)
	}
}

// TestFilterKeepsEveryMatch checks that candidate selection never loses a
// match that the unfiltered dynamic program finds.
func TestFilterKeepsEveryMatch(t *testing.T) {
	d := loadSystemDict(t)
	ix := newClaimIndex(t, d)
	utts := append([]string{
		"this cream cure is cancer and diabetes", "it gears cancer fast",
		"our doctor recommended it", "pay me on pay pal", "lowest prices ever",
	}, cleanSpeech...)
	for _, s := range utts {
		words := strings.Fields(s)
		got := len(ix.Find(words))
		want := len(ix.findUnfiltered(words))
		if got != want {
			t.Errorf("%q: filtered %d matches, unfiltered %d", s, got, want)
		}
	}
}

func (ix *Index) findUnfiltered(words []string) []Match {
	utt := ix.pronounceAll(words, new(filterScratch))
	var out []Match
	var buf dpBuffers
	all := make([]bool, len(words))
	for i := range all {
		all[i] = true
	}
	for e := range ix.entries {
		out = ix.matchEntry(&ix.entries[e], utt, all, &buf, out)
	}
	return reduce(out)
}
