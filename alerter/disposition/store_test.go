package disposition

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// startNATS runs a real embedded server with JetStream in dir.
func startNATS(t *testing.T, dir string) (*natsembed.Server, *nats.Conn) {
	t.Helper()
	srv := natstest.Start(t, dir)
	return srv, natstest.InProcess(t, srv, nats.MaxReconnects(0))
}

func testAlert(id string) alerter.Alert {
	return alerter.Alert{ID: id, Room: "room-1", Category: "medical-claim", RuleID: "en.cure"}
}

func TestRecordGetHistoryPublish(t *testing.T) {
	_, nc := startNATS(t, t.TempDir())
	ctx := context.Background()
	s, err := Open(ctx, nc, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	sub, err := nc.SubscribeSync(SubjectPrefix + ".>")
	if err != nil {
		t.Fatal(err)
	}
	a := testAlert("A1")
	if _, err := s.Get(ctx, a.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get before Record: %v, want ErrNotFound", err)
	}
	if h, err := s.History(ctx, a.ID); err != nil || len(h) != 0 {
		t.Fatalf("History before Record: %v %v", h, err)
	}
	for _, dec := range []Decision{NeedsReview, Confirmed} {
		if _, err := s.Record(ctx, a, Request{Decision: dec, By: "li", Note: string(dec)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Record(ctx, testAlert("A2"), Request{Decision: Dismissed, By: "wang"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Get(ctx, a.ID)
	if err != nil || got.Decision != Confirmed || got.By != "li" || got.RuleID != "en.cure" || got.Revision == 0 {
		t.Fatalf("Get = %+v, %v", got, err)
	}
	h, err := s.History(ctx, a.ID)
	if err != nil || len(h) != 2 || h[0].Decision != NeedsReview || h[1].Decision != Confirmed {
		t.Fatalf("History = %+v, %v", h, err)
	}
	all, err := s.Latest(ctx)
	if err != nil || len(all) != 2 || all["A1"].Decision != Confirmed || all["A2"].Decision != Dismissed {
		t.Fatalf("Latest = %+v, %v", all, err)
	}
	for i, want := range []Decision{NeedsReview, Confirmed, Dismissed} {
		m, err := sub.NextMsg(5 * time.Second)
		if err != nil {
			t.Fatalf("published message %d: %v", i, err)
		}
		d, err := Decode(m.Data)
		if err != nil || d.Decision != want {
			t.Fatalf("message %d on %s: %+v %v, want %s", i, m.Subject, d, err, want)
		}
	}
	if _, err := s.Record(ctx, a, Request{Decision: "maybe", By: "li"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("invalid decision recorded: %v", err)
	}
	if _, err := s.Get(ctx, "a.b"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Get(a.b) = %v, want ErrInvalid", err)
	}
}

func TestDispositionsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv, nc := startNATS(t, dir)
	s, err := Open(ctx, nc, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Record(ctx, testAlert("A1"), Request{Decision: Dismissed, By: "li", Note: "ASR misheard"}); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	_, nc2 := startNATS(t, dir)
	s2, err := Open(ctx, nc2, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s2.Get(ctx, "A1")
	if err != nil || got.Decision != Dismissed || got.Note != "ASR misheard" {
		t.Fatalf("after restart: %+v, %v", got, err)
	}
}
