package testdouble_test

import (
	"context"
	"sync"
	"testing"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/transcript"
)

// The doubles must satisfy the interfaces they stand in for.
var (
	_ transcript.Recognizer = testdouble.Silent{}
	_ transcript.Stream     = testdouble.SilentStream{}
	_ alerter.Sink          = (*testdouble.Sink)(nil)
	_ transcript.Emit       = (&testdouble.Collector{}).Emit
)

func TestSinkConcurrent(t *testing.T) {
	var s testdouble.Sink
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { _ = s.Send(context.Background(), alerter.Alert{Room: string(rune('a' + i))}) })
	}
	wg.Wait()
	got := s.List()
	if len(got) != 8 {
		t.Fatalf("%d alerts, want 8", len(got))
	}
	got[0].Room = "changed"
	if s.List()[0].Room == "changed" {
		t.Fatal("List shares its backing array with the sink")
	}
}

func TestCollectorFinals(t *testing.T) {
	var c testdouble.Collector
	for _, h := range []transcript.Hypothesis{{Text: "a"}, {Text: "ab", Final: true}, {Text: "c"}} {
		c.Emit(h)
	}
	if all, finals := c.All(), c.Finals(); len(all) != 3 || len(finals) != 1 || finals[0].Text != "ab" {
		t.Fatalf("all %+v finals %+v", all, finals)
	}
}

func TestSilentNeverEmits(t *testing.T) {
	var c testdouble.Collector
	s, err := testdouble.Silent{}.Open(context.Background(), c.Emit)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Write(make([]int16, 160), 0); err != nil {
		t.Fatal(err)
	}
	if err := s.EndUtterance(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if len(c.All()) != 0 {
		t.Fatalf("silent stream emitted %+v", c.All())
	}
}

// TestDefaultEngine: the default lexicon's engine matches a plain claim.
func TestDefaultEngine(t *testing.T) {
	if hits := testdouble.DefaultEngine(t).MatchText("this cream cures diabetes"); len(hits) == 0 {
		t.Fatal("the default lexicon raised nothing for a medical claim")
	}
}
