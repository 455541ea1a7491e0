package rooms

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/go-audio/wav"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/rawpcm"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

func newTestRegistry(t testing.TB, rec transcript.Recognizer, opts Options) (*Registry, *testdouble.Sink) {
	t.Helper()
	sink := &testdouble.Sink{}
	opts.Logger = testutil.Quiet()
	r, err := Open(context.Background(), pipeline.Config{Recognizer: rec, Matcher: defaultMatcher(t), Sink: sink, Logger: testutil.Quiet()}, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	return r, sink
}

func state(r *Registry, id string) Status {
	st, _ := r.Room(id)
	return st
}

func TestBackoffDelay(t *testing.T) {
	b := Backoff{Min: 100 * time.Millisecond, Max: time.Second, Jitter: 0.2}.withDefaults()
	tests := []struct {
		attempt  int
		r        float64
		min, max time.Duration
	}{
		{1, 0.5, 100 * time.Millisecond, 100 * time.Millisecond},
		{2, 0.5, 200 * time.Millisecond, 200 * time.Millisecond},
		{4, 0.5, 800 * time.Millisecond, 800 * time.Millisecond},
		{5, 0.5, time.Second, time.Second}, // capped
		{60, 0.5, time.Second, time.Second},
		{1, 0, 80 * time.Millisecond, 80 * time.Millisecond},
		{1, 0.999, 119 * time.Millisecond, 120 * time.Millisecond},
	}
	for _, tc := range tests {
		if d := b.Delay(tc.attempt, tc.r); d < tc.min || d > tc.max {
			t.Errorf("Delay(%d, %v) = %v, want %v..%v", tc.attempt, tc.r, d, tc.min, tc.max)
		}
	}
}

// TestPulledSourceReconnects kills a real HTTP origin mid-stream and brings
// it back: the room must say it is reconnecting, then be live again.
func TestPulledSourceReconnects(t *testing.T) {
	ls := startLive(t)
	r, _ := newTestRegistry(t, testdouble.Silent{}, Options{
		OpenSource: openHTTPPCM, Schemes: []string{"http"},
		Backoff: Backoff{Min: 50 * time.Millisecond, Max: 200 * time.Millisecond},
	})
	if _, err := r.Add(Spec{ID: "pull1", Anchor: "a1", Source: ls.URL()}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "live with audio", func() bool {
		st := state(r, "pull1")
		return st.State == StateLive && st.HeardMs > 200
	})
	ls.down()
	testutil.WaitFor(t, 10*time.Second, "reconnecting", func() bool {
		st := state(r, "pull1")
		return st.State == StateReconnecting && strings.HasPrefix(st.Reason, "reconnecting: ") && st.Attempt >= 1
	})
	st := state(r, "pull1")
	t.Logf("while down: %s (attempt %d)", st.Reason, st.Attempt)
	ls.up()
	testutil.WaitFor(t, 10*time.Second, "live again", func() bool {
		st := state(r, "pull1")
		return st.State == StateLive && st.HeardMs > 200 && st.Reconnects >= 1
	})
	st = state(r, "pull1")
	if st.Total.HeardMs <= st.HeardMs || st.Total.PCMBytes == 0 || st.Room.Anchor != "a1" {
		t.Errorf("totals not carried across sessions: %+v", st)
	}
}

// TestAddRemoveLoop adds and removes 200 pulled rooms a few times:
// goroutines and heap must return to their baseline.
func TestAddRemoveLoop(t *testing.T) {
	ls := startLive(t)
	r, _ := newTestRegistry(t, testdouble.Silent{}, Options{
		OpenSource: openHTTPPCM, Schemes: []string{"http"}, EvidenceDir: t.TempDir(), EvidenceWindow: 5 * time.Second,
		StorePath: filepath.Join(t.TempDir(), "rooms.json"),
	})
	http0 := httpIdle()
	base, heap0 := settle(t, 0, 0)
	const n = 200
	for loop := range 2 {
		for i := range n {
			if _, err := r.Add(Spec{ID: roomID(i), Source: ls.URL()}); err != nil {
				t.Fatal(err)
			}
		}
		testutil.WaitFor(t, 20*time.Second, "all rooms hearing audio", func() bool {
			for _, st := range r.Rooms() {
				if st.HeardMs == 0 {
					return false
				}
			}
			return true
		})
		if loop == 0 {
			t.Logf("%d rooms live: %d goroutines (baseline %d)", n, runtime.NumGoroutine(), base)
		}
		for i := range n {
			if err := r.Remove(context.Background(), roomID(i)); err != nil {
				t.Fatal(err)
			}
		}
	}
	http0()
	if left := r.Rooms(); len(left) != 0 {
		t.Fatalf("%d rooms left", len(left))
	}
	settle(t, base, heap0)
}

func roomID(i int) string { return fmt.Sprintf("load-%03d", i) }

// httpIdle returns a func that closes idle keep-alive connections (and
// their goroutines) of the default client, which the pullers used.
func httpIdle() func() { return http.DefaultClient.CloseIdleConnections }

// settle waits until goroutines are back to base (+ a small tolerance) and
// the heap to heap0 + 4 MB; with base 0 it just measures.
func settle(t *testing.T, base int, heap0 uint64) (int, uint64) {
	t.Helper()
	var ms runtime.MemStats
	measure := func() (int, uint64) {
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return runtime.NumGoroutine(), ms.HeapAlloc
	}
	if base == 0 {
		return measure()
	}
	defer func() {
		if t.Failed() {
			buf := make([]byte, 1<<16)
			t.Logf("goroutines:\n%s", buf[:runtime.Stack(buf, true)])
		}
	}()
	var g int
	var h uint64
	testutil.Eventually(t, 15*time.Second, func() error {
		if g, h = measure(); g > base+5 || h > heap0+4<<20 {
			return fmt.Errorf("leak: %d goroutines (baseline %d), heap %.1f MB (baseline %.1f MB)", g, base, mb(h), mb(heap0))
		}
		return nil
	})
	t.Logf("after the loop: %d goroutines (baseline %d), heap %.1f MB (baseline %.1f MB)", g, base, mb(h), mb(heap0))
	return g, h
}

func mb(b uint64) float64 { return float64(b) / (1 << 20) }

// TestEvidenceClip: an alert gets an id and a clip URL before it is stored,
// and the clip of 3 s before to 2 s after the hit appears on disk.
func TestEvidenceClip(t *testing.T) {
	dir := t.TempDir()
	rec := sayAt{Text: "add my wechat", Start: 4 * time.Second, End: 5 * time.Second, At: 5 * time.Second}
	r, sink := newTestRegistry(t, rec, Options{EvidenceDir: dir})
	src := pcmSource(t, 10*time.Second)
	if _, err := r.StartAudio(pipeline.Room{ID: "ev1"}, src, true); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "the session to end", func() bool { return state(r, "ev1").State == StateEnded })
	alerts := sink.List()
	testutil.WaitFor(t, 10*time.Second, "a clip per alert", func() bool { return r.Evidence().Saved == uint64(len(alerts)) })
	if len(alerts) == 0 {
		t.Fatal("no alert")
	}
	a := alerts[0]
	if !ValidAlertID(a.ID) || a.ClipURL != "/v1/alerts/"+a.ID+"/clip" {
		t.Fatalf("alert id %q clip %q", a.ID, a.ClipURL)
	}
	path, _ := EvidenceFile(dir, a.ID)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := wav.NewDecoder(bytes.NewReader(data))
	buf, err := d.FullPCMBuffer()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(buf.Data), 6*ingest.SampleRate; got != want { // 1 s..7 s
		t.Errorf("clip has %d samples, want %d", got, want)
	}
	if st := state(r, "ev1"); st.Alerts != uint64(len(alerts)) || st.Total.Alerts != st.Alerts {
		t.Errorf("status alerts %d / %d", st.Alerts, st.Total.Alerts)
	}
}

// pcmSource is d of a quiet tone as a raw PCM source read as fast as possible.
func pcmSource(t testing.TB, d time.Duration) ingest.Source {
	t.Helper()
	n := int(d.Seconds() * ingest.SampleRate)
	b := make([]byte, 2*n)
	for i := range n {
		v := int16(800 * ((i % 40) - 20) / 20)
		b[2*i], b[2*i+1] = byte(v), byte(v>>8)
	}
	src, err := rawpcm.New(bytes.NewReader(b), "tone", rawpcm.Options{SampleRate: ingest.SampleRate, Channels: 1})
	if err != nil {
		t.Fatal(err)
	}
	return src
}

// TestCloseFlushesLastAlert closes the registry while a live room streams:
// the recognizer's final hypothesis, produced only when the stream is
// closed, must still become a delivered alert with its clip.
func TestCloseFlushesLastAlert(t *testing.T) {
	dir := t.TempDir()
	ls := startLive(t)
	r, sink := newTestRegistry(t, sayOnClose{"add my wechat"}, Options{
		OpenSource: openHTTPPCM, Schemes: []string{"http"}, EvidenceDir: dir,
	})
	if _, err := r.Add(Spec{ID: "closing", Source: ls.URL()}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "audio", func() bool { return state(r, "closing").HeardMs > 500 })
	r.Close()
	alerts := sink.List()
	if len(alerts) == 0 {
		t.Fatal("no alert after Close, want the last utterance's")
	}
	for _, a := range alerts {
		if _, err := os.Stat(filepath.Join(dir, a.ID+".wav")); err != nil {
			t.Errorf("clip not flushed on Close: %v", err)
		}
	}
	if _, err := r.Add(Spec{ID: "late", Source: "whip"}); !errors.Is(err, ErrClosed) {
		t.Errorf("Add after Close: %v", err)
	}
}

func TestRegistryRules(t *testing.T) {
	store := filepath.Join(t.TempDir(), "rooms.json")
	ls := startLive(t)
	opts := Options{OpenSource: openHTTPPCM, Schemes: []string{"http"}, StorePath: store}
	r, _ := newTestRegistry(t, testdouble.Silent{}, opts)
	if _, err := r.Add(Spec{ID: "w", Anchor: "anna", Source: "whip"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Add(Spec{ID: "p", Source: ls.URL(), Token: "secret"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Add(Spec{ID: "w", Source: "whip"}); !errors.Is(err, ErrExists) {
		t.Errorf("second Add: %v", err)
	}
	if st := state(r, "w"); st.State != StateWaiting || !st.Registered {
		t.Errorf("whip room: %+v", st)
	}
	if _, err := r.StartAudio(pipeline.Room{ID: "p"}, pcmSource(t, time.Second), true); !errors.Is(err, ErrBusy) {
		t.Errorf("upload into a pulled room: %v", err)
	}
	if _, err := r.StartAudio(pipeline.Room{ID: "w"}, pcmSource(t, time.Second), true); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 5*time.Second, "whip room session to end", func() bool { return state(r, "w").State == StateWaiting })
	if st := state(r, "w"); st.Room.Anchor != "anna" || st.Sessions != 1 {
		t.Errorf("registered anchor not applied: %+v", st)
	}
	if err := r.Remove(context.Background(), "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Remove unknown: %v", err)
	}
	if data, _ := os.ReadFile(store); !strings.Contains(string(data), `"secret"`) {
		t.Errorf("store lacks the token:\n%s", data)
	}
	if fi, err := os.Stat(store); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("store mode: %v %v", fi.Mode(), err)
	}
	r.Close()

	// A restart restores the registered rooms (not the ad-hoc ones).
	r2, _ := newTestRegistry(t, testdouble.Silent{}, opts)
	got := r2.Rooms()
	if len(got) != 2 || got[0].Room.ID != "p" || got[1].Room.ID != "w" || got[1].Room.Anchor != "anna" {
		t.Fatalf("restored %+v", got)
	}
	testutil.WaitFor(t, 10*time.Second, "restored pulled room live", func() bool { return state(r2, "p").HeardMs > 0 })
	if err := r2.Remove(context.Background(), "p"); err != nil {
		t.Fatal(err)
	}
	r2.Close()
	r3, _ := newTestRegistry(t, testdouble.Silent{}, opts)
	if got := r3.Rooms(); len(got) != 1 {
		t.Fatalf("after rm and restart: %+v", got)
	}
}

// TestOpenRejectsBadStore: a room list that is JSON but wrong (another
// version, an invalid or repeated room) keeps the registry from opening,
// naming the file; one that is not JSON at all (truncated, garbled at rest)
// is moved aside with its bytes, reported by SetAside, and the registry
// opens empty.
func TestOpenRejectsBadStore(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		setAside   bool
	}{
		{"not json", "{", true},
		{"truncated", `{"version":1,"rooms":[{"id":"a","sou`, true},
		{"garbage", "\x00\x9f\x13 not a room list", true},
		{"empty file", "", true},
		{"version", `{"version":9,"rooms":[]}`, false},
		{"bad room", `{"version":1,"rooms":[{"id":"../x","source":"whip"}]}`, false},
		{"twice", `{"version":1,"rooms":[{"id":"a","source":"whip"},{"id":"a","source":"whip"}]}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			store := filepath.Join(t.TempDir(), "rooms.json")
			if err := os.WriteFile(store, []byte(tc.body), 0o600); err != nil {
				t.Fatal(err)
			}
			r, err := Open(context.Background(), pipeline.Config{}, Options{StorePath: store, Logger: testutil.Quiet()})
			if !tc.setAside {
				if err == nil || !strings.Contains(err.Error(), store) {
					t.Errorf("Open: %v, want an error naming %s", err, store)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open with an unreadable list: %v", err)
			}
			defer r.Close()
			aside := r.SetAside()
			if len(aside) != 1 || !strings.HasPrefix(aside[0].Path, store+".quarantined-") || aside[0].Reason == "" {
				t.Fatalf("set aside %+v", aside)
			}
			if got, err := os.ReadFile(aside[0].Path); err != nil || string(got) != tc.body {
				t.Errorf("the set-aside file lost its bytes: %q %v", got, err)
			}
			if len(r.Rooms()) != 0 {
				t.Errorf("rooms %+v", r.Rooms())
			}
			if err := r.Ready(context.Background()); err != nil {
				t.Errorf("Ready: %v", err)
			}
		})
	}
}

// TestCheckSourceRefusesRegistration: a source the check refuses is a
// client error on the source field, and nothing is registered or stored.
func TestCheckSourceRefusesRegistration(t *testing.T) {
	store := filepath.Join(t.TempDir(), "rooms.json")
	var checked []string
	opts := Options{OpenSource: openHTTPPCM, Schemes: []string{"http"}, StorePath: store,
		CheckSource: func(ctx context.Context, rawURL string) error {
			if _, ok := ctx.Deadline(); !ok {
				t.Error("check without a deadline")
			}
			checked = append(checked, rawURL)
			return errors.New("refused by the outbound address policy: 127.0.0.1 is a loopback address")
		}}
	r, _ := newTestRegistry(t, testdouble.Silent{}, opts)
	_, err := r.Add(Spec{ID: "p", Source: "http://127.0.0.1:1/x"})
	var fe *FieldError
	if !errors.Is(err, ErrInvalid) || !errors.As(err, &fe) || fe.Field != "source" || !strings.Contains(fe.Problem, "outbound address policy") {
		t.Fatalf("got %v, want an invalid source field", err)
	}
	if _, err := r.Add(Spec{ID: "w", Source: "whip"}); err != nil {
		t.Fatal(err)
	}
	if len(checked) != 1 {
		t.Errorf("checked %q, want only the pulled source", checked)
	}
	if got := r.Rooms(); len(got) != 1 || got[0].Room.ID != "w" {
		t.Errorf("rooms %+v", got)
	}
	if data, _ := os.ReadFile(store); strings.Contains(string(data), "127.0.0.1") {
		t.Errorf("refused source stored:\n%s", data)
	}
}
