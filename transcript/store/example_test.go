package store_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/earshot/earshot/transcript/store"
)

func Example() {
	dir, _ := os.MkdirTemp("", "transcripts")
	defer os.RemoveAll(dir)
	st, err := store.Open(store.Options{Dir: dir, Retention: 30 * 24 * time.Hour})
	if err != nil {
		panic(err)
	}
	defer st.Close(context.Background())

	st.Add(store.Record{Room: "demo", Session: "s1", Utterance: 1, At: time.Now(), Text: "加我威信，全网最低价",
		Hits: []store.RecordHit{{RuleID: "pg-weixin", Category: "private-goods"}}})
	_ = st.Flush(context.Background()) // Add is asynchronous; Flush makes it searchable

	res, err := st.Search(context.Background(), store.Query{Text: "weixin"})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Total, res.Hits[0].ID, res.Hits[0].Highlights["text"][0])
	// Output: 1 demo.s1.1 加我<mark>威信</mark>，全网最低价
}
