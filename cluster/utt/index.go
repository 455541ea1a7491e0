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
	// Put receives every final, non-empty utterance with its hits
	// (pipeline/transcripts.Put) and may wait while the store is busy: the
	// message stays unacknowledged meanwhile, so a backlog waits in the
	// stream. An error leaves it to be redelivered. Put or Store is
	// required; Put wins. The hits are valid only during the call: the
	// Index reuses their memory for the next final, so Put copies what it
	// keeps (transcripts.Record copies the fields it stores).
	Put func(ctx context.Context, h pipeline.Heard, hits []lexicon.Hit) error
	// Store is Put for a store that never waits (pipeline/transcripts.Hook
	// drops what its store's queue cannot take); its hits, like Put's, are
	// valid only during the call.
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
	// hits is the hit slice every final is matched into when the matcher
	// can append (lexicon.AppendMatcher): a final's hits do not outlive
	// handle, which the consumer calls one message at a time, so one
	// slice serves them all instead of a new one per final.
	hits []lexicon.Hit
}

// StartIndex starts the index role.
func StartIndex(ctx context.Context, js jetstream.JetStream, opts IndexOptions) (*Index, error) {
	if (opts.Store == nil && opts.Put == nil) || opts.Matcher == nil {
		return nil, errors.New("utt: the index role needs a Put (or Store) and a Matcher")
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

// putWait bounds how long one final waits for the store's queue, well
// inside the consumer's AckWait (30 s) so a waiting message is not
// redelivered behind its own back.
const putWait = 20 * time.Second

func (ix *Index) handle(msg jetstream.Msg) {
	if msg.Headers().Get(HeaderFlush) != "" {
		_ = msg.Ack()
		return
	}
	m, room, err := Decode(msg.Subject(), msg.Data())
	if err != nil || !m.Final || strings.TrimSpace(m.Text) == "" {
		_ = msg.Ack() // the scan role dead-letters invalid messages
		return
	}
	h := m.Heard(room)
	var hits []lexicon.Hit
	mt := ix.opts.Matcher()
	if am, ok := mt.(lexicon.AppendMatcher); ok {
		hits = am.AppendMatch(ix.hits[:0], h.Hypothesis)
		ix.hits = hits
		// The Hits point into this message's text: cleared after use so
		// the slice does not keep the payload alive until the next final.
		defer clear(hits)
	} else {
		hits = mt.Match(h.Hypothesis)
	}
	if ix.opts.Put != nil {
		ctx, cancel := context.WithTimeout(context.Background(), putWait)
		err := ix.opts.Put(ctx, h, hits)
		cancel()
		if err != nil {
			ix.opts.Logger.Warn("final not indexed; it will be redelivered", "room", room, "utterance", m.Utterance, "err", err)
			_ = msg.NakWithDelay(time.Second)
			return
		}
	} else {
		ix.opts.Store(h, hits)
	}
	ix.Indexed.Add(1)
	_ = msg.Ack()
}

// Close stops consuming after the message in hand.
func (ix *Index) Close() {
	ix.cc.Drain()
	<-ix.cc.Closed()
}
