package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/ingest/wavfile"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

func TestNewRecognizerEngines(t *testing.T) {
	replayFile := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(replayFile, []byte(`{"start_ms":0,"end_ms":900,"text":"加我威信"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		engine  string
		set     func(*config.Recognizer)
		name    string
		wantErr string
	}{
		{"openai", func(r *config.Recognizer) { r.OpenAI.BaseURL = "http://127.0.0.1:1" }, "openai", ""},
		{"openai", func(r *config.Recognizer) { r.OpenAI.BaseURL = "ftp://x" }, "", "base url"},
		{"vosk", func(r *config.Recognizer) { r.Vosk.URL = "ws://127.0.0.1:1" }, "vosk", ""},
		{"sherpa", func(r *config.Recognizer) { r.Sherpa.URL = "ws://127.0.0.1:1" }, "sherpa", ""},
		{"sherpa", func(r *config.Recognizer) { r.Sherpa.URL = "http://x" }, "", "url"},
		{"replay", func(r *config.Recognizer) { r.Replay.File = replayFile }, "replay", ""},
		{"replay", func(r *config.Recognizer) { r.Replay.File = replayFile + ".missing" }, "", "no such file"},
		{"magic", func(*config.Recognizer) {}, "", "want one of"},
		{"replay", func(r *config.Recognizer) {
			r.Replay.File = replayFile
			r.Also, r.Vosk.URL = "vosk", "ws://127.0.0.1:1"
		}, "replay+vosk", ""},
	}
	for _, tc := range cases {
		cfg := config.Default()
		cfg.Recognizer.Engine = tc.engine
		tc.set(&cfg.Recognizer)
		rec, err := NewRecognizer(cfg, testutil.Quiet())
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.engine, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.engine, err)
			continue
		}
		if rec.Name() != tc.name {
			t.Errorf("%s: name %q", tc.engine, rec.Name())
		}
		_ = rec.Close()
	}
}

// TestRecognizersLogToServiceLogger: every engine logs to the logger it
// was built with (the service's, so --log-level reaches it), with the
// engine named, never to slog.Default.
func TestRecognizersLogToServiceLogger(t *testing.T) {
	replayFile := filepath.Join(t.TempDir(), "r.jsonl")
	if err := os.WriteFile(replayFile, []byte(`{"start_ms":0,"end_ms":900,"text":"hello"}`+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	refuse := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, "model not loaded", http.StatusBadRequest)
	}))
	defer refuse.Close()
	cases := []struct {
		engine, also string
		set          func(*config.Recognizer)
		want         string // a message logged with recognizer=<engine>
		wantEngine   string
	}{
		{"sphinx", "", func(*config.Recognizer) {}, "sphinx: recognizer ready", "sphinx"},
		{"kws", "", func(*config.Recognizer) {}, "sphinx: recognizer ready", "kws"},
		{"openai", "", func(r *config.Recognizer) { r.OpenAI.BaseURL = refuse.URL }, "openai: transcription failed", "openai"},
		{"vosk", "", func(r *config.Recognizer) { r.Vosk.URL = "ws://127.0.0.1:1" }, "vosk: utterance lost", "vosk"},
		{"replay", "", func(r *config.Recognizer) { r.Replay.File = replayFile }, "replay: stream closed", "replay"},
		{"replay", "sherpa", func(r *config.Recognizer) { r.Replay.File, r.Sherpa.URL = replayFile, "ws://127.0.0.1:1" },
			"sherpa: utterance lost", "sherpa"},
	}
	for _, tc := range cases {
		t.Run(tc.engine+"+"+tc.also, func(t *testing.T) {
			var buf syncBuffer
			log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
			cfg := config.Default()
			cfg.Recognizer.Engine, cfg.Recognizer.Also = tc.engine, tc.also
			tc.set(&cfg.Recognizer)
			rec, err := NewRecognizer(cfg, log)
			if err != nil {
				t.Fatal(err)
			}
			defer rec.Close()
			st, err := rec.Open(context.Background(), func(transcript.Hypothesis) {})
			if err != nil {
				t.Fatal(err)
			}
			_ = st.Write(make([]int16, 16000), 0)
			_ = st.EndUtterance()
			_ = st.Close()
			found := false
			for line := range strings.Lines(buf.String()) {
				var rec struct{ Msg, Recognizer string }
				if err := json.Unmarshal([]byte(line), &rec); err == nil && rec.Msg == tc.want && rec.Recognizer == tc.wantEngine {
					found = true
				}
			}
			if !found {
				t.Errorf("no %q with recognizer=%s in the service log:\n%s", tc.want, tc.wantEngine, buf.String())
			}
		})
	}
}

// syncBuffer is a bytes.Buffer safe for the recognizers' goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestReplayChineseEndToEnd runs a Mandarin transcript through the real
// pipeline and default lexicon: what the replay recognizer is for.
func TestReplayChineseEndToEnd(t *testing.T) {
	dir := t.TempDir()
	script := `{"start_ms":200,"end_ms":1500,"text":"大家好欢迎来到直播间"}
{"start_ms":1600,"end_ms":2800,"text":"想要优惠的宝宝加我威信"}
`
	cfg := config.Default()
	cfg.Recognizer.Engine = "replay"
	cfg.Recognizer.Replay.File = filepath.Join(dir, "zh.jsonl")
	wav := filepath.Join(dir, "silence.wav")
	if err := os.WriteFile(cfg.Recognizer.Replay.File, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := tts.WritePCM(wav, make([]int16, 3*16000)); err != nil {
		t.Fatal(err)
	}
	rec, err := NewRecognizer(cfg, testutil.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	eng, err := LoadMatcher(cfg, testutil.Quiet())
	if err != nil {
		t.Fatal(err)
	}
	src, err := wavfile.Open(wav, wavfile.Options{})
	if err != nil {
		t.Fatal(err)
	}
	sink := &testdouble.Sink{}
	s := &pipeline.Session{Room: pipeline.Room{ID: "zh"}, Source: src, Lossless: true}
	if err := pipeline.Run(context.Background(), s, pipeline.Config{Recognizer: rec, Matcher: pipeline.Static(eng), Sink: sink}); err != nil {
		t.Fatal(err)
	}
	if alerts := sink.List(); len(alerts) != 1 || alerts[0].Category != "private-goods" || alerts[0].Recognizer != "replay" {
		t.Fatalf("alerts %+v, want one private-goods alert from replay", alerts)
	}
}
