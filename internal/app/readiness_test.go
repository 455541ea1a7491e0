package app

import (
	"context"
	"net/http"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
)

// TestReadyzReportsEachPart: a healthy service answers /readyz 200 with a
// passing check for JetStream, the alert stream, the lexicon and the
// transcript store.
func TestReadyzReportsEachPart(t *testing.T) {
	_, base := startText(t)
	c, err := api.New(base)
	if err != nil {
		t.Fatal(err)
	}
	r, err := c.Ready(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != api.StatusReady || len(r.Failing()) != 0 {
		t.Fatalf("readiness %+v", r)
	}
	for _, name := range []string{"jetstream", "alert_stream", "lexicon", "transcripts"} {
		if ch, ok := r.Check(name); !ok || !ch.OK {
			t.Errorf("check %s: %+v (present %v)", name, ch, ok)
		}
	}
	if code := testutil.DoJSON(t, http.MethodGet, base+"/readyz", "", "", nil); code != http.StatusOK {
		t.Errorf("GET /readyz: %d", code)
	}
}
