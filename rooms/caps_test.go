package rooms

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// capsRegistry is a text-fed registry with caps and a clock the test moves.
func capsRegistry(t *testing.T, caps Caps) (*Registry, func(time.Duration)) {
	t.Helper()
	r, err := Open(context.Background(), pipeline.Config{
		Recognizer: testdouble.Silent{}, Matcher: defaultMatcher(t), Sink: &testdouble.Sink{}, Logger: testutil.Quiet(),
	}, Options{Logger: testutil.Quiet(), Caps: caps})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	var mu sync.Mutex
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	r.mu.Lock()
	r.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	r.mu.Unlock()
	return r, func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
}

func say(r *Registry, room pipeline.Room) error {
	_, err := r.Utterances(context.Background(), room, []transcript.Hypothesis{{Final: true, Text: "hello everyone"}})
	return err
}

// TestAutoRoomsBounded: traffic for invented ids makes at most MaxAuto
// automatic rooms; past the bound the one idle longest is forgotten once
// it has been idle for AutoIdle, and until then the new id is refused.
func TestAutoRoomsBounded(t *testing.T) {
	r, advance := capsRegistry(t, Caps{MaxAuto: 3, AutoIdle: time.Hour})
	for i := range 3 {
		if err := say(r, pipeline.Room{ID: fmt.Sprintf("auto-%d", i)}); err != nil {
			t.Fatal(err)
		}
		advance(time.Minute)
	}
	if err := say(r, pipeline.Room{ID: "auto-3"}); !errors.Is(err, ErrRoomLimit) {
		t.Fatalf("4th automatic room: %v, want ErrRoomLimit", err)
	}
	if err := say(r, pipeline.Room{ID: "auto-0"}); err != nil { // known rooms still take traffic
		t.Fatalf("a known room refused: %v", err)
	}
	advance(time.Hour - time.Minute) // auto-1 has now been idle for an hour, auto-0 not
	if err := say(r, pipeline.Room{ID: "auto-3"}); err != nil {
		t.Fatalf("after auto-1 idled for AutoIdle: %v", err)
	}
	var ids []string
	for _, st := range r.Rooms() {
		ids = append(ids, st.Room.ID)
	}
	if fmt.Sprint(ids) != "[auto-0 auto-2 auto-3]" {
		t.Fatalf("rooms %v, want auto-1 (idle longest) forgotten", ids)
	}
}

func TestCaps(t *testing.T) {
	t.Run("unregistered refused", func(t *testing.T) {
		r, _ := capsRegistry(t, Caps{RefuseUnregistered: true})
		if err := say(r, pipeline.Room{ID: "nobody"}); !errors.Is(err, ErrUnregistered) {
			t.Fatalf("unregistered: %v, want ErrUnregistered", err)
		}
		if _, err := r.Add(Spec{ID: "known", Source: SourceWHIP}); err != nil {
			t.Fatal(err)
		}
		if err := say(r, pipeline.Room{ID: "known"}); err != nil {
			t.Fatalf("registered room: %v", err)
		}
	})
	t.Run("per merchant", func(t *testing.T) {
		r, _ := capsRegistry(t, Caps{MaxPerMerchant: 2})
		for i := range 2 {
			if _, err := r.Add(Spec{ID: fmt.Sprintf("m-%d", i), Merchant: "shop", Source: SourceWHIP}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.Add(Spec{ID: "m-2", Merchant: "shop", Source: SourceWHIP}); !errors.Is(err, ErrRoomLimit) {
			t.Fatalf("3rd room of the merchant: %v, want ErrRoomLimit", err)
		}
		if err := say(r, pipeline.Room{ID: "m-auto", Merchant: "shop"}); !errors.Is(err, ErrRoomLimit) {
			t.Fatalf("automatic room of the full merchant: %v, want ErrRoomLimit", err)
		}
		if _, err := r.Add(Spec{ID: "other", Merchant: "other-shop", Source: SourceWHIP}); err != nil {
			t.Fatalf("another merchant refused: %v", err)
		}
	})
	t.Run("all rooms", func(t *testing.T) {
		r, _ := capsRegistry(t, Caps{MaxRooms: 2})
		for i := range 2 {
			if _, err := r.Add(Spec{ID: fmt.Sprintf("r-%d", i), Source: SourceWHIP}); err != nil {
				t.Fatal(err)
			}
		}
		if err := say(r, pipeline.Room{ID: "r-2"}); !errors.Is(err, ErrRoomLimit) {
			t.Fatalf("room beyond MaxRooms: %v, want ErrRoomLimit", err)
		}
		if _, err := r.Add(Spec{ID: "r-3", Source: SourceWHIP}); !errors.Is(err, ErrRoomLimit) {
			t.Fatalf("registration beyond MaxRooms: %v, want ErrRoomLimit", err)
		}
	})
}
