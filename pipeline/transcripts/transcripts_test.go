package transcripts

import (
	"reflect"
	"testing"
	"time"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/store"
)

type adds []store.Record

func (a *adds) Add(r store.Record) { *a = append(*a, r) }

func TestHookKeepsFinalUtterances(t *testing.T) {
	at := time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	room := pipeline.Room{ID: "r1", Anchor: "anna", Merchant: "m"}
	cases := []struct {
		name string
		h    transcript.Hypothesis
		hits []lexicon.Hit
		want *store.Record
	}{
		{"partial", transcript.Hypothesis{Utterance: 1, Text: "add my"}, nil, nil},
		{"blank final", transcript.Hypothesis{Utterance: 2, Final: true, Text: "  "}, nil, nil},
		{"english", transcript.Hypothesis{Utterance: 3, Final: true, Text: "add my wechat", Recognizer: "sphinx",
			Start: 1500 * time.Millisecond, End: 3 * time.Second, Confidence: 0.5},
			[]lexicon.Hit{{HitRule: &lexicon.HitRule{RuleID: "wechat", Category: "private-goods", Severity: "critical", Via: "exact"}, MatchedText: "wechat"}},
			&store.Record{ID: store.RecordID("r1", "s1", 3), Room: "r1", Anchor: "anna", Merchant: "m", Session: "s1",
				Utterance: 3, At: at.UTC(), StartMs: 1500, EndMs: 3000, Text: "add my wechat", Lang: "en",
				Recognizer: "sphinx", Confidence: 0.5, Hits: []store.RecordHit{{RuleID: "wechat",
					Category: "private-goods", Severity: "critical", MatchedText: "wechat", Via: "exact"}}}},
		{"chinese", transcript.Hypothesis{Utterance: 4, Final: true, Text: "加我威信"}, nil,
			&store.Record{ID: store.RecordID("r1", "s1", 4), Room: "r1", Anchor: "anna", Merchant: "m", Session: "s1",
				Utterance: 4, At: at.UTC(), Text: "加我威信", Lang: "zh"}},
	}
	for _, tc := range cases {
		var got adds
		Hook(&got, func() time.Time { return at })(pipeline.Heard{Room: room, Session: "s1", Hypothesis: tc.h}, tc.hits)
		switch {
		case tc.want == nil && len(got) != 0:
			t.Errorf("%s: stored %+v, want nothing", tc.name, got)
		case tc.want != nil && (len(got) != 1 || !reflect.DeepEqual(got[0], *tc.want)):
			t.Errorf("%s: stored\n %+v\nwant\n %+v", tc.name, got, *tc.want)
		}
	}
}
