package natsembed

import (
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// TestSettleHoldsBackAStreamBeingCreated: a stream read "could not be
// recovered" (what Healthz says of a stream whose directory exists before
// the account knows it: every stream being created) is not reported until
// it has read so for recoverGrace; other errors are reported at once; a
// stream that recovers starts its grace afresh next time.
func TestSettleHoldsBackAStreamBeingCreated(t *testing.T) {
	unrecovered := func(stream string) server.HealthzError {
		return server.HealthzError{Type: server.HealthzErrorStream, Account: "EARSHOT", Stream: stream,
			Error: "JetStream stream 'EARSHOT > " + stream + "' could not be recovered"}
	}
	full := server.HealthzError{Type: server.HealthzErrorStream, Account: "EARSHOT", Stream: "A",
		Error: "JetStream stream 'EARSHOT > A' write error: no space left on device"}
	var h health
	t0 := time.Now()
	steps := []struct {
		at   time.Duration
		errs []server.HealthzError
		want int
	}{
		{0, []server.HealthzError{unrecovered("KV_NEW"), full}, 1},                 // the write error at once
		{500 * time.Millisecond, []server.HealthzError{unrecovered("KV_NEW")}, 0},  // still within its grace
		{1200 * time.Millisecond, []server.HealthzError{unrecovered("KV_NEW")}, 1}, // lost for real
		{1300 * time.Millisecond, nil, 0},                                          // recovered
		{1400 * time.Millisecond, []server.HealthzError{unrecovered("KV_NEW")}, 0}, // a new grace
	}
	for i, s := range steps {
		if got := h.settle(s.errs, t0.Add(s.at), nil); len(got) != s.want {
			t.Errorf("step %d (%v): %d errors %+v, want %d", i, s.at, len(got), got, s.want)
		}
	}
	// A stream the start-up ledger found missing counts at once.
	var fresh health
	if got := fresh.settle([]server.HealthzError{unrecovered("KV_LOST")}, t0, map[string]bool{"KV_LOST": true}); len(got) != 1 {
		t.Errorf("a stream missing at start held back: %+v", got)
	}
}
