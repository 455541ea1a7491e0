package webrtcaudio

import (
	"context"
	"log/slog"
	"sync"
	"testing"

	"github.com/pion/webrtc/v4"
)

// records is a slog.Handler that keeps every record at or above min.
type records struct {
	min slog.Level
	mu  sync.Mutex
	got []slog.Record
}

func (h *records) Enabled(_ context.Context, l slog.Level) bool { return l >= h.min }
func (h *records) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.got = append(h.got, r.Clone())
	return nil
}
func (h *records) WithAttrs(as []slog.Attr) slog.Handler {
	return &withAttrs{h, as}
}
func (h *records) WithGroup(string) slog.Handler { return h }

func (h *records) all() []slog.Record {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]slog.Record(nil), h.got...)
}

type withAttrs struct {
	*records
	as []slog.Attr
}

func (w *withAttrs) Handle(ctx context.Context, r slog.Record) error {
	r = r.Clone()
	r.AddAttrs(w.as...)
	return w.records.Handle(ctx, r)
}

func scopeOf(r slog.Record) string {
	var scope string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "pion" {
			scope = a.Value.String()
		}
		return true
	})
	return scope
}

// counting counts how often it is formatted.
type counting struct{ n *int }

func (c counting) String() string { *c.n++; return "x" }

func TestLoggerFactoryLevels(t *testing.T) {
	h := &records{min: slog.LevelDebug}
	l := LoggerFactory(slog.New(h)).NewLogger("ice")
	formatted := 0
	l.Tracef("trace %v", counting{&formatted}) // below Debug: not even formatted
	l.Infof("state %s", "checking")
	l.Warnf("lost %d", 3)
	l.Error("failed")
	l.Debug("debug")
	tests := []struct {
		level slog.Level
		msg   string
	}{
		{slog.LevelDebug, "state checking"},
		{slog.LevelWarn, "lost 3"},
		{slog.LevelError, "failed"},
		{slog.LevelDebug, "debug"},
	}
	got := h.all()
	if len(got) != len(tests) || formatted != 0 {
		t.Fatalf("%d records (%d trace formats), want %d and 0", len(got), formatted, len(tests))
	}
	for i, tc := range tests {
		if got[i].Level != tc.level || got[i].Message != tc.msg || scopeOf(got[i]) != "ice" {
			t.Errorf("%d: %v %q pion=%q, want %v %q pion=ice", i, got[i].Level, got[i].Message, scopeOf(got[i]), tc.level, tc.msg)
		}
	}
}

// TestPionLogsReachSlog: a real peer connection made with the factory
// logs through it (scopes such as "pc" and "ice"), at --log-level debug.
func TestPionLogsReachSlog(t *testing.T) {
	h := &records{min: slog.LevelDebug}
	se := webrtc.SettingEngine{LoggerFactory: LoggerFactory(slog.New(h))}
	api := webrtc.NewAPI(webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pc.AddTransceiverFromKind(webrtc.RTPCodecTypeAudio); err != nil {
		t.Fatal(err)
	}
	offer, err := pc.CreateOffer(nil)
	if err != nil {
		t.Fatal(err)
	}
	done := webrtc.GatheringCompletePromise(pc)
	if err := pc.SetLocalDescription(offer); err != nil {
		t.Fatal(err)
	}
	<-done
	if err := pc.Close(); err != nil {
		t.Fatal(err)
	}
	scopes := map[string]int{}
	for _, r := range h.all() {
		scopes[scopeOf(r)]++
	}
	if len(scopes) == 0 || scopes[""] > 0 {
		t.Errorf("pion records by scope %v: want some, each with its scope", scopes)
	}
	t.Logf("pion records by scope: %v", scopes)
}
