package utt

import (
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// wordMatcher fires rule "r-<word>" for each listed word in the text.
type wordMatcher []string

func (m wordMatcher) Match(h transcript.Hypothesis) []lexicon.Hit {
	var hits []lexicon.Hit
	for _, w := range m {
		if strings.Contains(h.Text, w) {
			hits = append(hits, lexicon.Hit{HitRule: &lexicon.HitRule{RuleID: "r-" + w, Category: "medical-claim", Severity: "high"}, MatchedText: w})
		}
	}
	return hits
}

var testMatcher = pipeline.Static(wordMatcher{"cure", "best"})

// env is a real embedded server with the streams, the alert sink, a bus
// and a scan role owning every partition.
type env struct {
	nc   *nats.Conn
	js   jetstream.JetStream
	sink *natsink.Sink
	bus  *Bus
	scan *Scan
}

func newEnv(t testing.TB, partitions int) *env {
	t.Helper()
	srv := natstest.Start(t, "")
	nc := natstest.Service(t, srv)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, 30*time.Second)
	if err := EnsureStreams(ctx, js, StreamOptions{Partitions: partitions}); err != nil {
		t.Fatal(err)
	}
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	e := &env{nc: nc, js: js, sink: sink}
	if e.bus, err = NewBus(nc, BusOptions{Logger: testutil.Quiet()}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.bus.Close() })
	e.scan = e.newScan(t, partitions)
	if err := e.scan.OwnAll(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) newScan(t testing.TB, partitions int) *Scan {
	t.Helper()
	sc, err := pipeline.NewScanner(pipeline.ScanConfig{Matcher: testMatcher, Sink: e.sink, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewScan(e.nc, ScanOptions{Scanner: sc, Partitions: partitions, Logger: testutil.Quiet(),
		ClipURL: func(id string) string { return "/clip/" + id }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}
