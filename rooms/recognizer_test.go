package rooms

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/transcript"
)

// TestRoomChoosesRecognizer: a room that names an engine is recognized by
// it; the other rooms keep the default; an unknown engine is refused at
// registration, naming the field.
func TestRoomChoosesRecognizer(t *testing.T) {
	scripted := sayAt{Text: "add my wechat", Start: time.Second, End: 2 * time.Second, At: 2 * time.Second}
	r, sink := newTestRegistry(t, testdouble.Silent{}, Options{
		RecognizerFor: func(name string) (transcript.Recognizer, error) {
			if name == "scripted" {
				return scripted, nil
			}
			return nil, errors.New("not configured")
		},
		OpenSource: func(string, string) (ingest.Source, error) { return pcmSource(t, 3*time.Second), nil },
		Schemes:    []string{"http"},
	})
	if _, err := r.Add(Spec{ID: "other", Source: "http://127.0.0.1:1/a.pcm", Recognizer: "scripted"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Add(Spec{ID: "plain", Source: "http://127.0.0.1:1/b.pcm"}); err != nil {
		t.Fatal(err)
	}
	testutil.WaitFor(t, 10*time.Second, "an alert from the scripted engine", func() bool { return len(sink.List()) > 0 })
	for _, a := range sink.List() {
		if a.Room != "other" {
			t.Errorf("room %s alerted: it runs the default (silent) engine", a.Room)
		}
	}
	_, err := r.Add(Spec{ID: "bad", Source: "whip", Recognizer: "klingon"})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "recognizer" || !strings.Contains(err.Error(), "not configured") {
		t.Fatalf("unknown engine: %v", err)
	}
	if _, err := r.Add(Spec{ID: "bad2", Source: "whip", Recognizer: "Sphinx!"}); !errors.As(err, &fe) || fe.Field != "recognizer" {
		t.Fatalf("malformed engine name: %v", err)
	}
}
