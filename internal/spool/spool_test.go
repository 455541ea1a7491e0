package spool

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/internal/testutil"
)

func open(t testing.TB, dir string, mutate ...func(*Options)) *Spool {
	t.Helper()
	o := Options{Dir: dir, Logger: testutil.Quiet()}
	for _, m := range mutate {
		m(&o)
	}
	s, err := Open(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func msg(i int) *nats.Msg {
	m := nats.NewMsg(fmt.Sprintf("earshot.utt.room%d", i%3))
	m.Header.Set(nats.MsgIdHdr, fmt.Sprintf("id-%d", i))
	m.Header.Add("Multi", "a")
	m.Header.Add("Multi", "b")
	m.Data = []byte(fmt.Sprintf(`{"n":%d,"text":"some words said in the room"}`, i))
	return m
}

func appendN(t testing.TB, s *Spool, from, n int) {
	t.Helper()
	for i := from; i < from+n; i++ {
		if err := s.Append(msg(i)); err != nil {
			t.Fatalf("append %d: %v", i, err)
		}
	}
}

// drain takes everything waiting, batch at a time, and returns the ids.
func drain(t testing.TB, s *Spool, batch int) []string {
	t.Helper()
	var ids []string
	for {
		recs, err := s.Peek(batch)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 {
			return ids
		}
		for _, r := range recs {
			ids = append(ids, r.Msg.Header.Get(nats.MsgIdHdr))
			if got := r.Msg.Header.Values("Multi"); len(got) != 2 || got[1] != "b" {
				t.Fatalf("headers not kept: %v", r.Msg.Header)
			}
		}
		s.Ack(len(recs))
	}
}

func wantIDs(t *testing.T, got []string, from, n int) {
	t.Helper()
	if len(got) != n {
		t.Fatalf("got %d records, want %d: %v", len(got), n, got)
	}
	for i, id := range got {
		if want := fmt.Sprintf("id-%d", from+i); id != want {
			t.Fatalf("record %d is %s, want %s (order kept)", i, id, want)
		}
	}
}

func TestAppendPeekAckAcrossSegmentsAndRestarts(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir, func(o *Options) { o.SegmentBytes = 1 << 10 })
	appendN(t, s, 0, 100)
	if st := s.Stats(); st.Records != 100 || st.Appended != 100 || st.Bytes == 0 || st.Oldest.IsZero() {
		t.Fatalf("stats %+v", st)
	}
	// Deliver 30, restart, the other 70 are still there, in order.
	recs, _ := s.Peek(30)
	s.Ack(len(recs))
	_ = s.Close()
	if segs, _ := filepath.Glob(filepath.Join(dir, "*.seg")); len(segs) < 3 {
		t.Fatalf("want several segments of 1 KiB, got %v", segs)
	}
	s = open(t, dir, func(o *Options) { o.SegmentBytes = 1 << 10 })
	if st := s.Stats(); st.Records != 70 {
		t.Fatalf("after restart %d records wait, want 70", st.Records)
	}
	appendN(t, s, 100, 5)
	got := drain(t, s, 16)
	wantIDs(t, got, 30, 75)
	st := s.Stats()
	if st.Records != 0 || st.Bytes != 0 || !st.Oldest.IsZero() {
		t.Fatalf("drained spool: %+v", st)
	}
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segs) != 1 {
		t.Fatalf("delivered segments not deleted: %v", segs)
	}
	// And it keeps working after being emptied.
	appendN(t, s, 200, 3)
	wantIDs(t, drain(t, s, 2), 200, 3)
}

func TestFullRefusesNewKeepsOld(t *testing.T) {
	s := open(t, t.TempDir(), func(o *Options) { o.MaxBytes = 2000 })
	n := 0
	for ; ; n++ {
		if err := s.Append(msg(n)); err != nil {
			if !isFull(err) {
				t.Fatalf("want ErrFull, got %v", err)
			}
			break
		}
	}
	if n == 0 || s.Stats().Refused != 1 || !s.Stats().Full || s.Stats().Bytes > 2000 {
		t.Fatalf("appended %d, stats %+v", n, s.Stats())
	}
	wantIDs(t, drain(t, s, 100), 0, n) // the oldest kept, in order
	if err := s.Append(msg(999)); err != nil {
		t.Fatalf("room again after delivery: %v", err)
	}
}

func isFull(err error) bool { return err != nil && errorsIs(err, ErrFull) }

// A crash mid-write leaves a torn last record: it is cut off and the
// spool goes on after the last good one.
func TestTornTailCutOff(t *testing.T) {
	dir := t.TempDir()
	s := open(t, dir)
	appendN(t, s, 0, 10)
	_ = s.Close()
	seg := onlySegment(t, dir)
	fi, _ := os.Stat(seg)
	if err := os.Truncate(seg, fi.Size()-7); err != nil { // half of the last record
		t.Fatal(err)
	}
	s = open(t, dir)
	if st := s.Stats(); st.Records != 9 || st.Damaged != 1 {
		t.Fatalf("stats %+v, want 9 records and 1 damaged stretch", st)
	}
	appendN(t, s, 10, 2)
	got := drain(t, s, 100)
	want := []string{"id-0", "id-1", "id-2", "id-3", "id-4", "id-5", "id-6", "id-7", "id-8", "id-10", "id-11"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

// Damage at rest in the middle of a segment (flipped bytes, garbage) is
// reported and skipped; the records after it are delivered.
func TestDamageAtRestSkipped(t *testing.T) {
	for _, tc := range []struct {
		name string
		hurt func([]byte) []byte
		want int // records left
	}{
		{"flipped byte in a payload", func(b []byte) []byte { b[len(b)/2] ^= 0xff; return b }, 19},
		{"garbage in the middle", func(b []byte) []byte {
			mid := len(b) / 2
			return append(append(append([]byte{}, b[:mid]...), []byte("garbage!garbage!")...), b[mid:]...)
		}, 19},
		{"zeroed start", func(b []byte) []byte { clear(b[:20]); return b }, 19},
		{"all garbage", func(b []byte) []byte { return []byte("not a spool at all") }, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			s := open(t, dir)
			appendN(t, s, 0, 20)
			_ = s.Close()
			seg := onlySegment(t, dir)
			data, _ := os.ReadFile(seg)
			if err := os.WriteFile(seg, tc.hurt(data), 0o600); err != nil {
				t.Fatal(err)
			}
			s = open(t, dir)
			st := s.Stats()
			if st.Damaged != 1 || st.Records != int64(tc.want) {
				t.Fatalf("stats %+v, want %d records, 1 damaged stretch", st, tc.want)
			}
			got := drain(t, s, 7)
			if len(got) != tc.want {
				t.Fatalf("delivered %d: %v", len(got), got)
			}
			appendN(t, s, 50, 1)
			if got := drain(t, s, 7); len(got) != 1 || got[0] != "id-50" {
				t.Fatalf("after damage, a new record: %v", got)
			}
		})
	}
}

func onlySegment(t *testing.T, dir string) string {
	t.Helper()
	segs, _ := filepath.Glob(filepath.Join(dir, "*.seg"))
	if len(segs) != 1 {
		t.Fatalf("want one segment, got %v", segs)
	}
	return segs[0]
}

func TestDecodeNeverPanics(t *testing.T) {
	good, err := encode(msg(1), testTime)
	if err != nil {
		t.Fatal(err)
	}
	for i := range len(good) - headerLen {
		_, _ = decode(good[headerLen : headerLen+i])
	}
}

// BenchmarkAppend: spool write throughput of hypothesis-sized messages
// (about 300 bytes), fsync every 200 ms as in service.
func BenchmarkAppend(b *testing.B) {
	s := open(b, b.TempDir(), func(o *Options) { o.MaxBytes = 1 << 40; o.SegmentBytes = 4 << 20 })
	m := msg(1)
	m.Data = make([]byte, 300)
	b.SetBytes(int64(len(m.Data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Append(m); err != nil {
			b.Fatal(err)
		}
	}
}

var testTime = time.Unix(1700000000, 0)

func errorsIs(err, target error) bool { return errors.Is(err, target) }
