package alerter

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestWriter(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		check  func(t *testing.T, out string)
	}{
		{"json lines", JSONLines, func(t *testing.T, out string) {
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if len(lines) != 2 {
				t.Fatalf("%d lines", len(lines))
			}
			for _, l := range lines {
				if _, err := DecodeAlert([]byte(l)); err != nil {
					t.Fatalf("line %q: %v", l, err)
				}
			}
		}},
		{"text", Text, func(t *testing.T, out string) {
			if strings.Count(out, "\n") != 2 || !strings.Contains(out, "room=R1 rule=r") {
				t.Fatalf("text output %q", out)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			w := NewWriter(&b, tt.format)
			a := Alert{Room: "R1", RuleID: "r", Category: "c", MatchedText: "x"}
			for range 2 {
				if err := w.Send(context.Background(), a); err != nil {
					t.Fatal(err)
				}
			}
			if err := w.Send(context.Background(), Alert{Room: "a.b"}); !errors.Is(err, ErrInvalid) {
				t.Fatalf("bad alert: %v", err)
			}
			tt.check(t, b.String())
			_ = w.Close()
			if err := w.Send(context.Background(), a); !errors.Is(err, ErrClosed) {
				t.Fatalf("after close: %v", err)
			}
		})
	}
}

type failSink struct{ err error }

func (f failSink) Send(context.Context, Alert) error { return f.err }
func (f failSink) Close() error                      { return f.err }

func TestMulti(t *testing.T) {
	var b1, b2 bytes.Buffer
	boom := errors.New("boom")
	m := Multi{NewWriter(&b1, JSONLines), failSink{boom}, NewWriter(&b2, JSONLines)}
	err := m.Send(context.Background(), Alert{Room: "R1", RuleID: "r", Category: "c"})
	if !errors.Is(err, boom) {
		t.Fatalf("Send = %v", err)
	}
	a1, err1 := DecodeAlert(bytes.TrimSpace(b1.Bytes()))
	a2, err2 := DecodeAlert(bytes.TrimSpace(b2.Bytes()))
	if err1 != nil || err2 != nil || a1.ID != a2.ID {
		t.Fatalf("sinks saw different alerts: %v %v %q %q", err1, err2, a1.ID, a2.ID)
	}
	if err := m.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close = %v", err)
	}
}
