package store

import (
	"context"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
)

// base is a fixed moment; records are spread over the days around it.
var base = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

func openTest(t *testing.T, dir string, opts Options) *Store {
	t.Helper()
	opts.Dir = dir
	opts.Logger = testutil.Quiet()
	if opts.Now == nil {
		opts.Now = func() time.Time { return base }
	}
	s, err := Open(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s
}

func rec(room string, n uint64, at time.Time, text string, hits ...RecordHit) Record {
	return Record{Room: room, Anchor: "anchor-" + room, Merchant: "shop", Session: "s1", Utterance: n,
		At: at, StartMs: int64(n) * 1000, EndMs: int64(n)*1000 + 900, Text: text, Recognizer: "test", Hits: hits}
}

func hit(rule, category string) RecordHit {
	return RecordHit{RuleID: rule, Category: category, Severity: "high", MatchedText: "x"}
}

func addAll(t *testing.T, s *Store, recs ...Record) {
	t.Helper()
	for _, r := range recs {
		s.Add(r)
	}
	if err := s.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// corpus is a small bilingual broadcast log over two days and three rooms.
func corpus() []Record {
	m := time.Minute
	return []Record{
		rec("r1", 1, base, "This cream cures diabetes and lowers your blood pressure.", hit("med-cure", "medical-claim")),
		rec("r1", 2, base.Add(m), "It is the best cream in the world.", hit("ac-best", "absolute-claim")),
		rec("r1", 3, base.Add(2*m), "Add me on WeChat to get a discount.", hit("pg-wechat", "private-goods")),
		rec("r2", 1, base.Add(3*m), "加我威信，全网最低价", hit("pg-weixin", "private-goods"), hit("pf-lowest", "price-fraud")),
		rec("r2", 2, base.Add(4*m), "这款面霜全网第一，效果很好", hit("ac-first", "absolute-claim")),
		rec("r2", 3, base.Add(5*m), "今天天气不错，大家好"),
		rec("r3", 1, base.Add(-24*time.Hour), "The diabetic diet is not something we talk about here."),
		rec("r3", 2, base.Add(-24*time.Hour+m), "Thank you all for coming, the cream ships tomorrow."),
	}
}

func ids(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.ID
	}
	return out
}
