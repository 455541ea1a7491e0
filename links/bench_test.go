package links

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// BenchmarkLink is what the scan role adds to one final hypothesis, over
// a real embedded nats-server: a sentence with no identifier, one with a
// WeChat id 50 other accounts said (one of them banned), and the same
// said by 500 accounts (a shared number nobody marked benign).
func BenchmarkLink(b *testing.B) {
	srv := natstest.Start(b, "")
	js, err := jetstream.New(natstest.Service(b, srv))
	if err != nil {
		b.Fatal(err)
	}
	st, err := OpenStore(testutil.Context(b, 10*time.Second), js, StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	h, _ := NewHasher([]byte("0123456789abcdef0123456789abcdef"))
	l := NewLinker(Options{Store: st, Hasher: h, Logger: testutil.Quiet()})
	ctx := context.Background()
	say := func(room, anchor, text string, utt uint64) {
		hd := pipeline.Heard{Room: pipeline.Room{ID: room, Anchor: anchor}, Session: "s",
			Hypothesis: transcript.Hypothesis{Utterance: utt, Final: true, Text: text}}
		if _, err := l.Link(ctx, hd, nil); err != nil {
			b.Fatal(err)
		}
	}
	for i := range 500 {
		if i < 50 {
			say(fmt.Sprintf("r%d", i), fmt.Sprintf("a%d", i), "加我微信 abc123", 1)
		}
		say(fmt.Sprintf("r%d", i), fmt.Sprintf("a%d", i), "客服电话 13900139000", 2)
	}
	if _, err := st.PutBan(ctx, Ban{Account: Account{Anchor, "a7"}, Action: ActionBan, Reason: "r", By: "b"}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, text string }{
		{"no identifier", "这款面霜真的很好用，今天下单还送小样"},
		{"id of 50 accounts", "加我V信 a b c 1 2 3"},
		{"number of 500 accounts", "打 13900139000"},
	} {
		b.Run(c.name, func(b *testing.B) {
			n := uint64(10)
			for b.Loop() {
				n++
				say("bench-room", "bench-anchor", c.text, n)
			}
		})
	}
}
