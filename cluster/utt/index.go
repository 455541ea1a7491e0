package utt

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
)

// IndexConsumer is the durable consumer of the index role.
const IndexConsumer = "index"

// IndexOptions configure the index role.
type IndexOptions struct {
	// Matcher gives the lexicon in force: the hits stored beside a final
	// utterance (search facets) are matched here, so the index needs no
	// second message from the scanner.
	Matcher pipeline.MatcherFunc
	// Store receives every final, non-empty utterance with its hits
	// (pipeline/transcripts.Hook); required.
	Store func(h pipeline.Heard, hits []lexicon.Hit)
	// Consumer names the durable consumer; default IndexConsumer. Index
	// nodes that share a name share the stream's finals.
	Consumer string
	Logger   *slog.Logger
}

// Index is the index role: it consumes finals of every partition into the
// transcript store.
type Index struct {
	cc      jetstream.ConsumeContext
	opts    IndexOptions
	Indexed atomic.Uint64
}

// StartIndex starts the index role.
func StartIndex(ctx context.Context, js jetstream.JetStream, opts IndexOptions) (*Index, error) {
	if opts.Store == nil || opts.Matcher == nil {
		return nil, errors.New("utt: the index role needs a Store and a Matcher")
	}
	if opts.Consumer == "" {
		opts.Consumer = IndexConsumer
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	c, err := js.CreateOrUpdateConsumer(ctx, Stream, jetstream.ConsumerConfig{
		Durable: opts.Consumer, FilterSubject: StoredPrefix + ".>",
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: 30 * time.Second, MaxAckPending: 4096,
	})
	if err != nil {
		return nil, fmt.Errorf("utt: consumer %s: %w", opts.Consumer, err)
	}
	ix := &Index{opts: opts}
	if ix.cc, err = c.Consume(ix.handle, jetstream.PullMaxMessages(512), jetstream.PullExpiry(pullExpiry)); err != nil {
		return nil, fmt.Errorf("utt: consume %s: %w", opts.Consumer, err)
	}
	return ix, nil
}

func (ix *Index) handle(msg jetstream.Msg) {
	defer func() { _ = msg.Ack() }()
	if msg.Headers().Get(HeaderFlush) != "" {
		return
	}
	m, room, err := Decode(msg.Subject(), msg.Data())
	if err != nil || !m.Final || strings.TrimSpace(m.Text) == "" {
		return // the scan role dead-letters invalid messages
	}
	h := m.Heard(room)
	ix.opts.Store(h, ix.opts.Matcher().Match(h.Hypothesis))
	ix.Indexed.Add(1)
}

// Close stops consuming after the message in hand.
func (ix *Index) Close() {
	ix.cc.Drain()
	<-ix.cc.Closed()
}
