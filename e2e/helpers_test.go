package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
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
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
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
	if err := tts.Check(voice); err != nil {
		t.Skipf("voice %s unavailable (scripts/setup.sh installs it): %v", voice, err)
	}
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

func postFile(t *testing.T, url, path string) *http.Response {
	t.Helper()
	body, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return post(t, url, "audio/wav", body)
}

func post(t *testing.T, url, ctype string, body []byte) *http.Response {
	t.Helper()
	resp, err := http.Post(url, ctype, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

func getJSON(t *testing.T, url string, v any) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode
}

// waitEnded polls the room until its session is no longer live.
func waitEnded(t *testing.T, base, room string, limit time.Duration) map[string]any {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var st map[string]any
		if getJSON(t, base+"/v1/rooms/"+room, &st) == http.StatusOK && st["state"] != string(rooms.StateLive) {
			return st
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("room %s still live after %v", room, limit)
	return nil
}
