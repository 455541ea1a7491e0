package utt

import (
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline/transcripts"
	"github.com/earshot/earshot/transcript/store"
)

// TestIndexBacklogNotDropped: a backlog of finals consumed far faster than
// the transcript store indexes them (a queue of 32 records) waits in the
// stream instead of being dropped: every final ends up in the store.
func TestIndexBacklogNotDropped(t *testing.T) {
	e := newEnv(t, 4)
	const finals = 300
	publishFinals(t, e.js, finals)
	st, err := store.Open(store.Options{Dir: t.TempDir(), QueueSize: 32, BatchSize: 16, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := testutil.Context(t, time.Minute)
	defer st.Close(ctx)
	ix, err := StartIndex(ctx, e.js, IndexOptions{Matcher: testMatcher, Put: transcripts.Put(st, time.Now), Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	testutil.WaitFor(t, 50*time.Second, "every final handed to the store", func() bool { return ix.Indexed.Load() == finals })
	if err := st.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if s := st.Stats(); s.Indexed != finals || s.Dropped != 0 {
		t.Fatalf("store indexed %d and dropped %d of %d finals, want all indexed, none dropped", s.Indexed, s.Dropped, finals)
	}
}
