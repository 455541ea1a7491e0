package e2e

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// soakSettings: EARSHOT_SOAK (a duration, default 40s) and
// EARSHOT_SOAK_ROOMS (default 200); `make soak` runs 20 minutes of 500
// rooms.
func soakSettings(t *testing.T) (time.Duration, int) {
	d, rooms := 40*time.Second, 200
	if v := os.Getenv("EARSHOT_SOAK"); v != "" {
		var err error
		if d, err = time.ParseDuration(v); err != nil || d < 20*time.Second {
			t.Fatalf("EARSHOT_SOAK=%q: want a duration of at least 20s", v)
		}
	}
	if v := os.Getenv("EARSHOT_SOAK_ROOMS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			t.Fatalf("EARSHOT_SOAK_ROOMS=%q: want 1..100000", v)
		}
		rooms = n
	}
	return d, rooms
}

// TestSoak replays rooms over the utterance stream (the platform path: two
// partials and a final every 4 s per room, every fourth utterance a
// violation) through the whole service for a while, and checks that every
// violation's alert is stored exactly once and, once warm, that goroutines
// and the heap stay flat, judged part by part (soakVerdict).
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak")
	}
	dur, rooms := soakSettings(t)
	prevRate := runtime.MemProfileRate
	runtime.MemProfileRate = soakProfileRate // before the service allocates anything
	t.Cleanup(func() { runtime.MemProfileRate = prevRate })
	profiles := os.Getenv("EARSHOT_SOAK_PROFILES")
	if profiles != "" {
		if err := os.MkdirAll(profiles, 0o755); err != nil {
			t.Fatalf("EARSHOT_SOAK_PROFILES: %v", err)
		}
	}
	svc := startService(t, func(c *config.Config) {
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
		c.Recognizer.Engine = "none"
	})
	nc := natstest.Connect(t, svc.NATSURL(), svc.NATSAuth(), natsauth.Service())
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := js.Stream(ctx, alerter.AlertStream)
	if err != nil {
		t.Fatal(err)
	}
	stored := func() uint64 {
		info, err := st.Info(ctx)
		if err != nil {
			return 0
		}
		return info.State.Msgs
	}
	start := time.Now()
	stopAt := start.Add(dur)
	// One tick per 100 ms; each room speaks every 4 s (40 ticks), its
	// three hypotheses one tick apart, rooms spread over the ticks.
	const tick = 100 * time.Millisecond
	utterance := make([]int, rooms)
	violations := 0
	var samples []soakSample
	nextSample := start
	tk := time.NewTicker(tick)
	defer tk.Stop()
	for n := 0; time.Now().Before(stopAt); n++ {
		<-tk.C
		for r := range rooms {
			phase := (n - r) % 40
			if phase < 0 || phase > 2 {
				continue
			}
			if phase == 0 {
				utterance[r]++
			}
			u := utterance[r]
			bad := u%4 == 0
			text := fmt.Sprintf("room %d says hello number %d to everyone", r, u)
			if bad {
				text = fmt.Sprintf("room %d says the alpha phrase number %d", r, u)
			}
			words := len(text) * (phase + 1) / 3
			m := nats.NewMsg("earshot.utt.soak-" + strconv.Itoa(r))
			m.Header.Set(nats.MsgIdHdr, fmt.Sprintf("soak-%d-%d-%d", r, u, phase))
			m.Data = fmt.Appendf(nil, `{"schema":1,"session":"s1","utterance":%d,"final":%t,"text":%q,"start_ms":%d,"end_ms":%d}`,
				u, phase == 2, text[:words], u*4000, u*4000+3000)
			if _, err := js.PublishMsgAsync(m); err != nil {
				t.Fatal(err)
			}
			if phase == 2 && bad {
				violations++
			}
		}
		if time.Now().After(nextSample) {
			samples = append(samples, sampleProcess(t, start, profiles, len(samples), stored()))
			nextSample = nextSample.Add(max(dur/60, 2*time.Second))
		}
	}
	select {
	case <-js.PublishAsyncComplete():
	case <-time.After(30 * time.Second):
		t.Fatal("publishes not acknowledged within 30 s")
	}
	testutil.WaitFor(t, 60*time.Second, fmt.Sprintf("%d alerts stored", violations), func() bool {
		info, err := st.Info(ctx)
		return err == nil && info.State.Msgs >= uint64(violations)
	})
	info, _ := st.Info(ctx)
	if info.State.Msgs != uint64(violations) {
		t.Errorf("%d alerts stored for %d violations", info.State.Msgs, violations)
	}

	streams := 0
	for range js.StreamNames(ctx).Name() {
		streams++
	}
	soakVerdict(t, rooms, dur, samples, info.State.Msgs, streams)
}
