package whep

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testaudio"
	"github.com/earshot/earshot/internal/testnet"
	"github.com/earshot/earshot/internal/testutil"
)

// loopback allows the fake servers these tests start on 127.0.0.1.
var loopback = testnet.Loopback()

type recorder struct {
	mu  sync.Mutex
	pcm []int16
}

func (r *recorder) emit(c ingest.Chunk) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pcm = append(r.pcm, c.PCM...)
	return nil
}

// TestPullsFromFakeWHEPServer: the stream's 3 s tone arrives, the server
// hanging up ends Run with nil, and no goroutine stays behind.
func TestPullsFromFakeWHEPServer(t *testing.T) {
	settled := testutil.LeakCheck(t, 0)
	fake := newFake(t)
	fake.token = "s3cret"
	srv := httptest.NewServer(fake)
	defer srv.Close()
	src, err := New(srv.URL+"/whep/room1", Options{Token: "s3cret", Guard: loopback})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	rec := &recorder{}
	if err := src.Run(ctx, rec.emit); err != nil {
		t.Fatal(err)
	}
	secs := float64(len(rec.pcm)) / ingest.SampleRate
	if secs < 2.5 || secs > 3.2 {
		t.Errorf("heard %.2fs, want about 3s", secs)
	}
	if s := testaudio.ToneShare(rec.pcm[len(rec.pcm)/4:3*len(rec.pcm)/4], 440); s < 0.8 {
		t.Errorf("440 Hz share %.3f, want > 0.8", s)
	}
	if fake.deletes.Load() != 1 {
		t.Errorf("%d DELETEs, want 1", fake.deletes.Load())
	}
	if st, ok := ingest.StatsOf(src); !ok || st.Packets < 140 || st.Bytes == 0 || st.DecodeErrors != 0 {
		t.Errorf("source stats %+v, want ~150 packets of the 3 s tone and no decode errors", st)
	}
	srv.Close()
	fake.closeAll()
	settled()
}

// TestSharedClient: sources sharing one Client (one pion API) pull at the
// same time, each hears its stream and counts only its own packets, and a
// second Run adds to the first.
func TestSharedClient(t *testing.T) {
	settled := testutil.LeakCheck(t, 0)
	fake := newFake(t)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client, err := NewClient(ClientOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var srcs [2]*Source
	for i := range srcs {
		if srcs[i], err = New(srv.URL+"/whep/room", Options{Client: client, Guard: loopback}); err != nil {
			t.Fatal(err)
		}
	}
	run := func() {
		var wg sync.WaitGroup
		for _, src := range srcs {
			wg.Go(func() {
				rec := &recorder{}
				if err := src.Run(context.Background(), rec.emit); err != nil {
					t.Error(err)
				}
				if secs := float64(len(rec.pcm)) / ingest.SampleRate; secs < 2.5 {
					t.Errorf("%s heard %.2fs, want about 3s", src.Describe(), secs)
				}
			})
		}
		wg.Wait()
	}
	run()
	first := srcs[0].SourceStats().Packets
	if first < 140 || first > 155 {
		t.Errorf("first source: %d packets, want the ~150 of its own stream", first)
	}
	run()
	if n := srcs[0].SourceStats().Packets; n < 2*first-10 {
		t.Errorf("after a second Run %d packets, want about %d", n, 2*first)
	}
	srv.Close()
	fake.closeAll()
	settled()
}

// TestCancelDeletesSession: cancelling Run DELETEs the session resource.
func TestCancelDeletesSession(t *testing.T) {
	fake := newFake(t)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	src, _ := New(srv.URL+"/whep", Options{Guard: loopback})
	ctx, cancel := context.WithCancel(context.Background())
	var once sync.Once
	err := src.Run(ctx, func(ingest.Chunk) error { once.Do(cancel); return nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if fake.deletes.Load() != 1 {
		t.Errorf("%d DELETEs, want 1", fake.deletes.Load())
	}
}

func TestBadAnswers(t *testing.T) {
	tests := []struct {
		name   string
		answer func(w http.ResponseWriter, offer string) bool
		want   error
		text   string
	}{
		{"401", func(w http.ResponseWriter, _ string) bool {
			http.Error(w, "invalid token", http.StatusUnauthorized)
			return true
		}, ErrRejected, "401"},
		{"200 not 201", func(w http.ResponseWriter, _ string) bool {
			w.Header().Set("Content-Type", "application/sdp")
			_, _ = io.WriteString(w, "v=0\r\n")
			return true
		}, ErrRejected, "200"},
		{"garbage sdp", func(w http.ResponseWriter, _ string) bool {
			w.Header().Set("Content-Type", "application/sdp")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, "this is not sdp")
			return true
		}, ErrBadAnswer, "not SDP"},
		{"wrong content type", func(w http.ResponseWriter, _ string) bool {
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusCreated)
			return true
		}, ErrBadAnswer, "Content-Type"},
		{"audio rejected", func(w http.ResponseWriter, _ string) bool {
			w.Header().Set("Content-Type", "application/sdp")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 0 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\n")
			return true
		}, ErrBadAnswer, "no accepted audio"},
		{"huge", func(w http.ResponseWriter, _ string) bool {
			w.Header().Set("Content-Type", "application/sdp")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, strings.Repeat("a=x\r\n", maxAnswer))
			return true
		}, ErrBadAnswer, "larger than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fake := newFake(t)
			fake.answer = tc.answer
			srv := httptest.NewServer(fake)
			defer srv.Close()
			src, _ := New(srv.URL+"/whep", Options{Guard: loopback, AudioTimeout: 3 * time.Second})
			err := src.Run(context.Background(), (&recorder{}).emit)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.text) {
				t.Fatalf("got %v, want %v containing %q", err, tc.want, tc.text)
			}
		})
	}
}

// TestSilentServer: a server that connects and hangs up without audio.
func TestSilentServer(t *testing.T) {
	fake := newFake(t)
	fake.packets = nil
	srv := httptest.NewServer(fake)
	defer srv.Close()
	src, _ := New(srv.URL+"/whep", Options{Guard: loopback})
	if err := src.Run(context.Background(), (&recorder{}).emit); !errors.Is(err, ErrNoAudio) {
		t.Fatalf("got %v, want ErrNoAudio", err)
	}
}

func TestNewRejectsBadEndpoints(t *testing.T) {
	for _, u := range []string{"", "ftp://h/x", "http://", "whep://h/x", "http://[::1", "/relative"} {
		if _, err := New(u, Options{}); !errors.Is(err, ErrBadURL) {
			t.Errorf("%q: got %v, want ErrBadURL", u, err)
		}
	}
	if _, err := New("http://h/x", Options{Token: "a\r\nX: y"}); err == nil {
		t.Error("accepted a token with a line break")
	}
}
