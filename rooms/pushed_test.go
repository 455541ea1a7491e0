package rooms

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
)

// pubSource stands in for a WHIP publisher: it delivers a second of audio,
// then stays connected until its session is cancelled or, with hold set,
// until hold is closed (a session slow to drain).
type pubSource struct {
	name    string
	hold    chan struct{}
	ran     chan struct{} // closed when Run starts
	atStart func()
}

func newPub(name string, hold chan struct{}) *pubSource {
	return &pubSource{name: name, hold: hold, ran: make(chan struct{})}
}

func (p *pubSource) Describe() string { return "pub:" + p.name }

func (p *pubSource) Run(ctx context.Context, emit ingest.Emit) error {
	if p.atStart != nil {
		p.atStart()
	}
	close(p.ran)
	for i := range 50 {
		pcm := make([]int16, 320)
		for j := range pcm {
			pcm[j] = int16(800 * ((j % 40) - 20) / 20)
		}
		if err := emit(ingest.Chunk{Offset: time.Duration(i) * 20 * time.Millisecond, PCM: pcm}); err != nil {
			return err
		}
	}
	if p.hold != nil {
		<-p.hold
		return nil
	}
	<-ctx.Done()
	return ctx.Err()
}

func ran(p *pubSource) bool {
	select {
	case <-p.ran:
		return true
	default:
		return false
	}
}

// abandoned records what ReplaceAudio gave up on.
type abandoned chan error

func (a abandoned) fn(err error) { a <- err }

func (a abandoned) want(t *testing.T, target error) {
	t.Helper()
	select {
	case err := <-a:
		if !errors.Is(err, target) {
			t.Fatalf("abandoned with %v, want %v", err, target)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("publisher never abandoned (want %v)", target)
	}
}

func (a abandoned) none(t *testing.T) {
	t.Helper()
	select {
	case err := <-a:
		t.Fatalf("publisher abandoned: %v", err)
	default:
	}
}

// TestReplaceAudioTakesOver: a second publisher stops the first; the
// first session's last utterance is alerted before the second one runs.
func TestReplaceAudioTakesOver(t *testing.T) {
	r, sink := newTestRegistry(t, sayOnClose{"add my wechat"}, Options{})
	gone := abandoned(make(chan error, 4))
	p1 := newPub("p1", nil)
	if err := r.ReplaceAudio(pipeline.Room{ID: "w"}, p1, gone.fn); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "first publisher heard", func() bool { return state(r, "w").HeardMs >= 900 })
	first := state(r, "w").Session
	alertsAtStart := -1
	p2 := newPub("p2", nil)
	p2.atStart = func() { alertsAtStart = len(sink.List()) }
	if err := r.ReplaceAudio(pipeline.Room{ID: "w"}, p2, gone.fn); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "second publisher running", func() bool { return ran(p2) })
	if alertsAtStart != 1 {
		t.Errorf("%d alerts delivered when the new publisher started, want the old session's 1", alertsAtStart)
	}
	if a := sink.List(); len(a) != 1 || a[0].Session != first {
		t.Errorf("alerts %+v, want one from session %s", a, first)
	}
	testutil.WaitFor(t, 10*time.Second, "second session live", func() bool {
		st := state(r, "w")
		return st.State == StateLive && st.Session != first && st.Sessions == 2
	})
	gone.none(t)
}

// TestReplaceAudioNewestWins: publishers that arrive while the old session
// drains are queued newest-first: only the last one runs, the others are
// abandoned with ErrReplaced and never run.
func TestReplaceAudioNewestWins(t *testing.T) {
	r, _ := newTestRegistry(t, testdouble.Silent{}, Options{})
	hold := make(chan struct{})
	p1 := newPub("p1", hold)
	gone1, gone2, gone3 := abandoned(make(chan error, 1)), abandoned(make(chan error, 1)), abandoned(make(chan error, 1))
	if err := r.ReplaceAudio(pipeline.Room{ID: "w"}, p1, gone1.fn); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "first publisher running", func() bool { return ran(p1) })
	p2, p3 := newPub("p2", nil), newPub("p3", nil)
	for _, p := range []struct {
		src  *pubSource
		gone abandoned
	}{{p2, gone2}, {p3, gone3}} {
		if err := r.ReplaceAudio(pipeline.Room{ID: "w"}, p.src, p.gone.fn); err != nil {
			t.Fatal(err)
		}
	}
	gone2.want(t, ErrReplaced)
	if ran(p3) {
		t.Fatal("p3 ran before p1 finished draining")
	}
	close(hold)
	testutil.WaitFor(t, 10*time.Second, "newest publisher running", func() bool { return ran(p3) })
	if ran(p2) {
		t.Error("a replaced publisher ran")
	}
	gone1.none(t)
	gone3.none(t)
}

// TestReplaceAudioRefusals: uploads and pulled sources are not taken over,
// and a publisher waiting when its room goes away is abandoned.
func TestReplaceAudioRefusals(t *testing.T) {
	r, _ := newTestRegistry(t, testdouble.Silent{}, Options{OpenSource: openHTTPPCM, Schemes: []string{"http"},
		Backoff: Backoff{Min: time.Hour}})
	hold := make(chan struct{})
	defer close(hold)
	if _, err := r.StartAudio(pipeline.Room{ID: "up"}, newPub("upload", hold), true); err != nil {
		t.Fatal(err)
	}
	if err := r.ReplaceAudio(pipeline.Room{ID: "up"}, newPub("p", nil), nil); !errors.Is(err, ErrBusy) {
		t.Errorf("publisher into a room taking an upload: %v, want ErrBusy", err)
	}
	if _, err := r.Add(Spec{ID: "pulled", Source: "http://127.0.0.1:1/x"}); err != nil {
		t.Fatal(err)
	}
	if err := r.ReplaceAudio(pipeline.Room{ID: "pulled"}, newPub("p", nil), nil); !errors.Is(err, ErrBusy) {
		t.Errorf("publisher into a pulled room: %v, want ErrBusy", err)
	}

	slow := make(chan struct{})
	if err := r.ReplaceAudio(pipeline.Room{ID: "gone"}, newPub("p1", slow), nil); err != nil {
		t.Fatal(err)
	}
	gone := abandoned(make(chan error, 1))
	waiting := newPub("p2", nil)
	if err := r.ReplaceAudio(pipeline.Room{ID: "gone"}, waiting, gone.fn); err != nil {
		t.Fatal(err)
	}
	removed := make(chan error, 1)
	go func() { removed <- r.Remove(context.Background(), "gone") }()
	gone.want(t, ErrNotFound)
	close(slow)
	if err := <-removed; err != nil {
		t.Fatal(err)
	}
	if ran(waiting) {
		t.Error("the publisher of a removed room ran")
	}
}

// TestReplaceAudioAbandonedOnClose: a publisher still waiting when the
// registry shuts down is abandoned with ErrClosed, not started.
func TestReplaceAudioAbandonedOnClose(t *testing.T) {
	r, _ := newTestRegistry(t, testdouble.Silent{}, Options{})
	hold := make(chan struct{})
	if err := r.ReplaceAudio(pipeline.Room{ID: "w"}, newPub("p1", hold), nil); err != nil {
		t.Fatal(err)
	}
	gone := abandoned(make(chan error, 1))
	waiting := newPub("p2", nil)
	if err := r.ReplaceAudio(pipeline.Room{ID: "w"}, waiting, gone.fn); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() { r.Close(); close(closed) }()
	testutil.WaitFor(t, 10*time.Second, "the registry closing", func() bool {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.closed
	})
	close(hold)
	gone.want(t, ErrClosed)
	<-closed
	if ran(waiting) {
		t.Error("a publisher started after Close")
	}
}
