package natsink

import (
	"errors"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/testutil"
)

func TestAlertLookup(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	var ids []string
	for i := range 600 { // more than two fetch batches
		a := hit("R1", "r", uint64(i))
		a = alerter.Fill(a, e.clock.Now())
		if err := e.sink.Send(ctx, a); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
	}
	custom := hit("R2", "r", 1)
	custom.ID = "not-a-ulid_42"
	if err := e.sink.Send(ctx, custom); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{ids[0], ids[300], ids[599], custom.ID} {
		got, err := e.sink.Log().Alert(ctx, id)
		if err != nil {
			t.Fatalf("Alert(%s): %v", id, err)
		}
		if got.ID != id {
			t.Fatalf("Alert(%s) returned %s", id, got.ID)
		}
	}
	for _, id := range []string{alerter.NewID(time.Now()), "nope", "01ZZZZZZZZZZZZZZZZZZZZZZZZ",
		"7ZZZZZZZZZZZZZZZZZZZZZZZZZ", alerter.NewID(time.Now().AddDate(100, 0, 0))} {
		if _, err := e.sink.Log().Alert(ctx, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Alert(%s) = %v, want ErrNotFound", id, err)
		}
	}
	if _, err := e.sink.Log().Alert(ctx, ""); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("empty id: %v, want a validation error", err)
	}
}

func TestIDTime(t *testing.T) {
	at := time.Date(2026, 3, 4, 5, 6, 7, 8e6, time.UTC)
	got, ok := idTime(alerter.NewID(at))
	if !ok || !got.Equal(at) {
		t.Fatalf("idTime = %v %v, want %v", got, ok, at)
	}
	for _, bad := range []string{"", "short", "!0000000000000000000000000", "UUUUUUUUUUUUUUUUUUUUUUUUUU"} {
		if _, ok := idTime(bad); ok {
			t.Errorf("idTime(%q) ok", bad)
		}
	}
}
