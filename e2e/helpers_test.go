package e2e

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/rooms"
)

// startService runs a whole `earshot serve` in-process on free ports.
func startService(t *testing.T, mutate func(*config.Config)) *app.Service {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.HTTP.Addr = "127.0.0.1:0"
	cfg.NATS.Listen = "127.0.0.1:0"
	if mutate != nil {
		mutate(&cfg)
	}
	log := testutil.Quiet()
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	svc, err := app.Start(context.Background(), cfg, log)
	if err != nil {
		t.Fatalf("starting service: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		svc.Close(ctx)
	})
	return svc
}

// mint is a token of role (room: an anchor's room) from svc's key.
func mint(t *testing.T, svc *app.Service, role api.Role, room string) string {
	t.Helper()
	tok, err := svc.Mint(auth.Request{Role: role, Room: room})
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// reminders subscribes like an anchor's overlay, with the room's anchor
// creds, and collects what arrives.
func reminders(t *testing.T, svc *app.Service, room string) <-chan alerter.Reminder {
	t.Helper()
	nc := natstest.Connect(t, svc.NATSURL(), svc.NATSAuth(), natsauth.Anchor(room))
	ch := make(chan alerter.Reminder, 100)
	_, err := nc.Subscribe(alerter.ReminderSubject(room), func(m *nats.Msg) {
		r, err := alerter.DecodeReminder(m.Data)
		if err != nil {
			t.Errorf("undecodable reminder: %v", err)
			return
		}
		ch <- r
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := nc.Flush(); err != nil {
		t.Fatal(err)
	}
	return ch
}

// synth speaks each line with voice into one WAV, a second of silence
// between lines, and returns the file.
func synth(t *testing.T, voice tts.Voice, lines ...string) string {
	t.Helper()
	testutil.Need(t, tts.Check(voice))
	dir := t.TempDir()
	var parts []tts.Part
	for i, line := range lines {
		p := filepath.Join(dir, fmt.Sprintf("line%d.wav", i))
		if err := tts.Synthesize(context.Background(), voice, line, p); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, tts.Part{Path: p}, tts.Part{Silence: time.Second})
	}
	out := filepath.Join(dir, "broadcast.wav")
	if _, err := tts.Concat(context.Background(), out, parts...); err != nil {
		t.Fatal(err)
	}
	return out
}

// apiClient is a client of svc's HTTP API with an admin token of svc (the
// authorization matrix, TestAuthorizationMatrix, tests the roles); opts
// may give another token.
func apiClient(t *testing.T, svc *app.Service, opts ...api.Option) *api.Client {
	t.Helper()
	tok, err := svc.Mint(auth.Request{Role: api.RoleAdmin, Subject: "e2e-admin"})
	if err != nil {
		t.Fatal(err)
	}
	return anonClient(t, svc, append([]api.Option{api.WithToken(tok)}, opts...)...)
}

// anonClient is a client of svc's HTTP API without a token.
func anonClient(t *testing.T, svc *app.Service, opts ...api.Option) *api.Client {
	t.Helper()
	c, err := api.New("http://"+svc.HTTPAddr(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// upload monitors the WAV file at path as room's audio.
func upload(t *testing.T, c *api.Client, room api.Room, pace api.Pace, path string) api.AudioAccepted {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	acc, err := c.UploadAudio(context.Background(), room, pace, f)
	if err != nil {
		t.Fatalf("uploading %s to room %s: %v", path, room.ID, err)
	}
	return acc
}

// waitEnded polls the room until its session is no longer live.
func waitEnded(t *testing.T, c *api.Client, room string, limit time.Duration) api.RoomStatus {
	t.Helper()
	var st api.RoomStatus
	testutil.Eventually(t, limit, func() error {
		var err error
		if st, err = c.Room(context.Background(), room); err == nil && st.State == string(rooms.StateLive) {
			err = fmt.Errorf("room %s is still live", room)
		}
		return err
	})
	return st
}

// waitState polls the room until it is in state want.
func waitState(t *testing.T, c *api.Client, room string, want rooms.State, limit time.Duration) api.RoomStatus {
	t.Helper()
	var st api.RoomStatus
	testutil.Eventually(t, limit, func() error {
		var err error
		if st, err = c.Room(context.Background(), room); err == nil && st.State != string(want) {
			err = fmt.Errorf("room %s is %s (%s), want %s", room, st.State, st.Reason, want)
		}
		return err
	})
	return st
}

// joinDir is a new data dir for a node joining hubDir's cluster: it holds
// copies of the hub's keys named by files (app.LexiconKeyFile,
// links.KeyFile), which every api and scan node of a cluster shares.
func joinDir(t *testing.T, hubDir string, files ...string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "keys"), 0o700); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		b, err := os.ReadFile(filepath.Join(hubDir, "keys", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "keys", f), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// postUntilShared posts finals (text, a format with the utterance's number)
// through c in rounds until both index nodes hold a share (the shared
// consumer hands each pull what is waiting, so one round may go to one
// node), each round indexed before the next; it returns how many it
// posted.
func postUntilShared(t *testing.T, c *api.Client, index []*app.Service, text string) int {
	t.Helper()
	ctx := context.Background()
	final := true
	posted := 0
	indexed := func() (a, b int) {
		for _, st := range index {
			if err := st.Transcripts().Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		return int(index[0].Transcripts().Stats().Indexed), int(index[1].Transcripts().Stats().Indexed)
	}
	for round := 0; ; round++ {
		for r := range 6 {
			room := fmt.Sprintf("room-%d", (posted+r)%9)
			if _, err := c.PostUtterances(ctx, api.Room{ID: room}, api.Utterance{Text: fmt.Sprintf(text, posted), Final: &final}); err != nil {
				t.Fatal(err)
			}
			posted++
		}
		testutil.WaitFor(t, 20*time.Second, "the round indexed", func() bool { a, b := indexed(); return a+b == posted })
		if a, b := indexed(); a > 0 && b > 0 {
			return posted
		}
		if round == 30 {
			t.Fatalf("after %d utterances one index node holds them all", posted)
		}
	}
}
