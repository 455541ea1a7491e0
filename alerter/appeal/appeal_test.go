package appeal

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestOncePerAlert: of concurrent appeals of one alert exactly one is
// filed, on any number of writers; decided once, too.
func TestOncePerAlert(t *testing.T) {
	nc := natstest.InProcess(t, natstest.Start(t, ""))
	ctx := testutil.Context(t, 20*time.Second)
	st, err := Open(ctx, nc, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	a := alerter.Alert{ID: "01KAPPEAL0000000000000000A", Room: "r1", Anchor: "Mei", Category: "medical-claim", RuleID: "cure"}
	errs := make(chan error, 8)
	for range 8 {
		go func() { _, err := st.File(ctx, a, "", "I quoted a customer"); errs <- err }()
	}
	filed := 0
	for range 8 {
		switch err := <-errs; {
		case err == nil:
			filed++
		case !errors.Is(err, ErrExists):
			t.Fatalf("File: %v", err)
		}
	}
	if filed != 1 {
		t.Fatalf("%d appeals filed, want 1", filed)
	}
	for range 4 {
		go func() { _, err := st.Decide(ctx, a.ID, alerter.AppealUpheld, "li", ""); errs <- err }()
	}
	decided := 0
	for range 4 {
		switch err := <-errs; {
		case err == nil:
			decided++
		case !errors.Is(err, ErrDecided):
			t.Fatalf("Decide: %v", err)
		}
	}
	if decided != 1 {
		t.Fatalf("%d decisions, want 1", decided)
	}
	got, err := st.Get(ctx, a.ID)
	if err != nil || got.State != alerter.AppealUpheld || got.Anchor != "Mei" {
		t.Fatalf("Get: %v %+v", err, got)
	}
	for _, bad := range []string{"", "  ", strings.Repeat("x", MaxReasonBytes+1), "a\x00b"} {
		if err := ValidateReason(bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidateReason(%q): %v", bad, err)
		}
	}
	if _, err := st.Decide(ctx, "nope", alerter.AppealUpheld, "li", ""); !errors.Is(err, ErrNotFound) {
		t.Errorf("Decide(nope): %v", err)
	}
	if _, err := st.List(ctx, "closed"); !errors.Is(err, ErrInvalid) {
		t.Errorf("List(closed): %v", err)
	}
}
