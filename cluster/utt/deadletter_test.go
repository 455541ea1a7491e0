package utt

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// TestDeadLetterKeepsEveryRefusedMessage: refused messages a publisher
// shaped against the dead-letter path are each kept on DLQSubject with a
// bounded reason, and the partition goes on. Found by hand on a 3-server
// cluster: a 600 KB unknown field name made a 600 KB reason, and a body
// near the server's limit left no room for the headers; both dead letters
// were refused by the server and dropped.
func TestDeadLetterKeepsEveryRefusedMessage(t *testing.T) {
	e := newEnv(t, 1)
	ctx := testutil.Context(t, 60*time.Second)
	limit := int(e.nc.MaxPayload())
	bodies := map[string][]byte{
		"long field name":   []byte(`{"schema":1,"session":"s","utterance":1,"` + strings.Repeat("k", 600_000) + `":1}`),
		"body at the limit": bytes.Repeat([]byte("x"), limit-64),
		"deep nesting":      []byte(strings.Repeat("[", 100_000)),
	}
	for _, b := range bodies {
		if _, err := e.js.Publish(ctx, Subject("r1"), b); err != nil {
			t.Fatal(err)
		}
	}
	f, _ := e.bus.Open(pipeline.Room{ID: "r1"}, "s1", pipeline.FeedOptions{})
	if got, err := f.Scan(ctx, []transcript.Hypothesis{{Utterance: 1, Final: true, Text: "cure"}}); err != nil || len(got) != 1 {
		t.Fatalf("the good message behind the bad ones: %v, %v", got, err)
	}
	if n := e.scan.Stats.Dead.Load(); n != uint64(len(bodies)) {
		t.Fatalf("dead count %d, want %d", n, len(bodies))
	}
	dlq, err := e.js.Stream(ctx, DLQStream)
	if err != nil {
		t.Fatal(err)
	}
	cons, err := dlq.OrderedConsumer(ctx, jetstream.OrderedConsumerConfig{})
	if err != nil {
		t.Fatal(err)
	}
	batch, err := cons.FetchNoWait(10)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for m := range batch.Messages() {
		kept++
		reason, size := m.Headers().Get(HeaderReason), len(m.Data())
		if reason == "" || len(reason) > MaxReasonBytes || m.Headers().Get(HeaderSubject) == "" {
			t.Errorf("dead letter of %d bytes: reason %d bytes %.80q, subject %q", size, len(reason), reason, m.Headers().Get(HeaderSubject))
		}
		if tr := m.Headers().Get(HeaderTruncated); tr != "" {
			if n, _ := strconv.Atoi(tr); n != limit-64 || size >= n || !bytes.Equal(m.Data(), bodies["body at the limit"][:size]) {
				t.Errorf("truncated dead letter: %s says %s, kept %d bytes", HeaderTruncated, tr, size)
			}
		} else if size == limit-64 {
			t.Errorf("the body at the limit was kept whole (%d bytes) beside its headers", size)
		}
	}
	if kept != len(bodies) {
		t.Fatalf("%d dead letters kept, want %d", kept, len(bodies))
	}
}

func TestCutKeepsRunes(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		want string
	}{{"short", 10, "short"}, {"abcdefghij", 8, "abcde..."}, {"ab语言", 7, "ab..."}} {
		if got := cut(c.in, c.n); got != c.want {
			t.Errorf("cut(%q, %d) = %q, want %q", c.in, c.n, got, c.want)
		}
	}
}
