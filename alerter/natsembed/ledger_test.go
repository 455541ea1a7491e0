package natsembed

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/internal/testdisk"
)

const testStream = "EARSHOT_ALERTS"

// fillStream creates the stream and stores n messages.
func fillStream(t *testing.T, s *Server, n int) {
	t.Helper()
	js := client(t, s)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	createStream(t, js)
	for i := 0; i < n; i++ {
		if _, err := js.Publish(ctx, "earshot.alert.medical-claim.r"+strconv.Itoa(i%3),
			[]byte(`{"schema":1,"context":"some words to make the message longer than a few bytes"}`)); err != nil {
			t.Fatal(err)
		}
	}
}

func client(t *testing.T, s *Server) jetstream.JetStream {
	t.Helper()
	nc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

func createStream(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: testStream,
		Subjects: []string{"earshot.alert.>"}, Storage: jetstream.FileStorage, MaxAge: 30 * 24 * time.Hour}); err != nil {
		t.Fatal(err)
	}
}

// TestDamageAtRestReported: a stream's files damaged while the server is
// down (nats-server then starts with fewer messages, or none, or without
// the stream, and says nothing a client sees) are reported by Losses, with
// what was held and what was found. A stream that did not load and is
// created again shows what came back.
func TestDamageAtRestReported(t *testing.T) {
	blk := func(dir string) string { return filepath.Join(dir, "msgs", "1.blk") }
	for _, tc := range []struct {
		name                    string
		damage                  func(t *testing.T, streamDir string)
		missing                 bool
		lostAtMost, lostAtLeast uint64
	}{
		{"no damage", func(*testing.T, string) {}, false, 0, 0},
		{"block truncated to half", func(t *testing.T, d string) {
			fi, _ := os.Stat(blk(d))
			_ = os.Truncate(blk(d), fi.Size()/2)
		}, false, 300, 100},
		{"block emptied", func(t *testing.T, d string) { _ = os.Truncate(blk(d), 0) }, false, 300, 300},
		{"block's first bytes garbled", func(t *testing.T, d string) {
			testdisk.Rewrite(t, blk(d), func(b []byte) []byte {
				for i := 0; i < 64; i++ {
					b[i] ^= 0xff
				}
				return b
			})
		}, false, 300, 300},
		{"block replaced by garbage", func(t *testing.T, d string) {
			testdisk.Rewrite(t, blk(d), func(b []byte) []byte {
				for i := range b {
					b[i] = byte(i * 7)
				}
				return b
			})
		}, false, 300, 300},
		{"block deleted", func(t *testing.T, d string) { _ = os.Remove(blk(d)) }, false, 300, 300},
		{"block garbled and index deleted", func(t *testing.T, d string) {
			testdisk.Rewrite(t, blk(d), func(b []byte) []byte {
				for i := len(b) / 2; i < len(b)/2+64; i++ {
					b[i] ^= 0xff
				}
				return b
			})
			_ = os.Remove(filepath.Join(d, "msgs", "index.db"))
		}, false, 300, 100},
		{"metadata garbled", func(t *testing.T, d string) {
			testdisk.Rewrite(t, filepath.Join(d, "meta.inf"), func(b []byte) []byte {
				for i := 5; i < 30; i++ {
					b[i] ^= 0xff
				}
				return b
			})
		}, true, 300, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, auth := t.TempDir(), authority(t)
			s := start(t, Config{DataDir: dir, Auth: auth})
			fillStream(t, s, 300)
			if err := s.Shutdown(context.Background()); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, filepath.Join(dir, "jetstream", auth.AccountKey(), "streams", testStream))

			s2 := start(t, Config{DataDir: dir, Auth: auth, CheckEvery: 20 * time.Millisecond})
			losses := s2.Losses()
			if tc.lostAtMost == 0 {
				if len(losses) != 0 {
					t.Fatalf("losses without damage: %+v", losses)
				}
				return
			}
			if len(losses) != 1 {
				t.Fatalf("losses %+v, want one", losses)
			}
			l := losses[0]
			t.Logf("reported: %+v", l)
			if l.Stream != testStream || l.Missing != tc.missing || l.Held.Msgs != 300 || l.Reason == "" {
				t.Errorf("loss %+v", l)
			}
			if l.Lost < tc.lostAtLeast || l.Lost > tc.lostAtMost {
				t.Errorf("lost %d, want %d..%d", l.Lost, tc.lostAtLeast, tc.lostAtMost)
			}
			if !tc.missing {
				return
			}
			if err := s2.Ready(context.Background()); err == nil || !strings.Contains(err.Error(), "could not be recovered") {
				t.Errorf("Ready with a stream that did not load: %v", err)
			}
			createStream(t, client(t, s2)) // what the stream's owner does
			testutil.WaitFor(t, 5*time.Second, "the stream created again to be found", func() bool { return s2.Losses()[0].Found.Msgs != 0 })
			if l := s2.Losses()[0]; l.Found.Msgs != 300 || l.Lost != 0 || !strings.Contains(l.Reason, "created again") {
				t.Errorf("after the stream was created again: %+v", l)
			}
			// Ready caches its answer for healthTTL.
			testutil.Eventually(t, healthTTL+5*time.Second, func() error {
				if err := s2.Ready(context.Background()); err != nil {
					return fmt.Errorf("Ready after the stream came back: %w", err)
				}
				return nil
			})
		})
	}
}

// TestLossSurvivesRestart: a stream that did not load and was not created
// again keeps its entry in the ledger, so the next start reports it again.
func TestLossSurvivesRestart(t *testing.T) {
	dir, auth := t.TempDir(), authority(t)
	s := start(t, Config{DataDir: dir, Auth: auth})
	fillStream(t, s, 10)
	_ = s.Shutdown(context.Background())
	if err := os.Remove(filepath.Join(dir, "jetstream", auth.AccountKey(), "streams", testStream, "meta.inf")); err != nil {
		t.Fatal(err)
	}
	s2 := start(t, Config{DataDir: dir, Auth: auth})
	if l := s2.Losses(); len(l) != 1 || !l[0].Missing {
		t.Fatalf("first start: %+v", l)
	}
	_ = s2.Shutdown(context.Background())
	s3 := start(t, Config{DataDir: dir, Auth: auth})
	if l := s3.Losses(); len(l) != 1 || !l[0].Missing || l[0].Held.Msgs != 10 {
		t.Fatalf("second start: %+v", l)
	}
}

// TestCompare: what counts as a loss, given what a stream held, what it
// holds, its max age and the time.
func TestCompare(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	held := streamRecord{Msgs: 100, FirstSeq: 1, LastSeq: 100, FirstTime: now.Add(-2 * day), LastTime: now.Add(-time.Hour)}
	for _, tc := range []struct {
		name       string
		maxAge     time.Duration
		cur        streamRecord
		lost       uint64 // 0: no loss
		perSubject int64  // a KV bucket's history
	}{
		{"unchanged", 0, held, 0, 0},
		{"grew since", 0, streamRecord{Msgs: 120, FirstSeq: 1, LastSeq: 120}, 0, 0},
		{"tail cut", 0, streamRecord{Msgs: 60, FirstSeq: 1, LastSeq: 60}, 40, 0},
		{"emptied, sequence kept", 0, streamRecord{Msgs: 0, FirstSeq: 101, LastSeq: 100}, 100, 0},
		{"sequence reset", 0, streamRecord{}, 100, 0},
		{"middle gone", 0, streamRecord{Msgs: 50, FirstSeq: 1, LastSeq: 100}, 50, 0},
		{"old ones expired by max age", 36 * time.Hour, streamRecord{Msgs: 50, FirstSeq: 51, LastSeq: 100}, 0, 0},
		{"all expired by max age", 30 * time.Minute, streamRecord{Msgs: 0, FirstSeq: 101, LastSeq: 100}, 0, 0},
		{"all gone though the newest is young", 36 * time.Hour, streamRecord{Msgs: 0, FirstSeq: 101, LastSeq: 100}, 1, 0},
		{"fewer, none old enough to expire", 30 * day, streamRecord{Msgs: 90, FirstSeq: 11, LastSeq: 100}, 10, 0},
		{"KV: entries replaced by newer revisions", 0, streamRecord{Msgs: 100, FirstSeq: 31, LastSeq: 130}, 0, 1},
		{"KV: entries gone and none written", 0, streamRecord{Msgs: 60, FirstSeq: 41, LastSeq: 100}, 40, 1},
		{"KV: fewer entries though some were rewritten", 0, streamRecord{Msgs: 70, FirstSeq: 61, LastSeq: 130}, 30, 1},
		{"KV: tail cut", 0, streamRecord{Msgs: 60, FirstSeq: 1, LastSeq: 60}, 40, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := held
			h.MaxAge, h.PerSubject = tc.maxAge, tc.perSubject
			l := compare(h, tc.cur, now)
			switch {
			case tc.lost == 0 && l != nil:
				t.Errorf("loss %+v, want none", l)
			case tc.lost != 0 && (l == nil || l.Lost != tc.lost):
				t.Errorf("loss %+v, want %d lost", l, tc.lost)
			}
		})
	}
}
