package e2e

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/rooms"
)

// violations are claims a flite or festival voice says clearly enough for
// PocketSphinx to hear; each maps to the category that must be reminded.
var violations = []struct{ line, category string }{
	{"It is the best cream in the world.", "absolute-claim"},
	{"Please send the money to my personal bank account.", "private-goods"},
	{"This is the lowest price ever.", "price-fraud"},
	{"It has no side effects at all.", "medical-claim"},
	{"Doctors recommend this product.", "false-authority"},
}

var cleanTalk = []string{
	"Hello everyone and welcome back to the live room.",
	"Today we have a lovely soft sweater in three colors.",
	"The fabric is cotton and it washes very well.",
	"If you like it, click the yellow cart below to order.",
	"We ship within two days and returns are free for seven days.",
	"Let me show you the back and the sleeves.",
	"Thank you all for watching and see you tomorrow night.",
}

// TestSpokenViolationsRemindAnchor: synthesized speech, uploaded as a room's
// audio, goes through PocketSphinx and the default lexicon, and the anchor's
// NATS subscriber receives a reminder for every violated category.
func TestSpokenViolationsRemindAnchor(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	svc := startService(t, nil)
	c := apiClient(t, svc)
	for _, voice := range []tts.Voice{tts.FliteSLT, tts.FliteRMS, tts.FestivalSLTHTS} {
		t.Run(string(voice), func(t *testing.T) {
			room := "room-" + sanitize(string(voice))
			got := reminders(t, svc, room)
			var lines []string
			want := map[string]bool{}
			for _, v := range violations {
				lines = append(lines, v.line)
				want[v.category] = true
			}
			wav := synth(t, voice, lines...)
			upload(t, c, api.Room{ID: room}, api.PaceFast, wav)
			if st := waitEnded(t, c, room, 2*time.Minute); st.State != string(rooms.StateEnded) {
				t.Fatalf("room state %s: %s", st.State, st.LastError)
			}
			seen := collect(got, 2*time.Second)
			for _, r := range seen {
				if r.Room != room {
					t.Errorf("reminder for room %s arrived on %s's subject", r.Room, room)
				}
				for _, c := range r.Categories() {
					delete(want, c)
				}
			}
			if len(want) > 0 {
				t.Errorf("no reminder for %v; got %s", keys(want), describe(seen))
			}
			// Compliance staff see the same hits in the stored alert log.
			alerts, err := c.Alerts(context.Background(), api.AlertQuery{Room: room})
			if err != nil || len(alerts) < len(seen) {
				t.Errorf("alert log has %d alerts (%v), fewer than %d reminders", len(alerts), err, len(seen))
			}
		})
	}
}

// TestCleanSpeechIsQuiet: ordinary selling talk raises nothing.
func TestCleanSpeechIsQuiet(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	svc := startService(t, nil)
	c := apiClient(t, svc)
	for _, voice := range []tts.Voice{tts.FliteSLT, tts.FliteRMS} {
		t.Run(string(voice), func(t *testing.T) {
			room := "clean-" + sanitize(string(voice))
			got := reminders(t, svc, room)
			wav := synth(t, voice, cleanTalk...)
			upload(t, c, api.Room{ID: room}, api.PaceFast, wav)
			if st := waitEnded(t, c, room, 2*time.Minute); st.Utterances < 3 {
				t.Fatalf("recognizer heard only %d utterances: the test would prove nothing", st.Utterances)
			}
			if seen := collect(got, time.Second); len(seen) > 0 {
				t.Errorf("clean speech raised %s", describe(seen))
			}
		})
	}
}

func collect(ch <-chan alerter.Reminder, quiet time.Duration) []alerter.Reminder {
	var out []alerter.Reminder
	for {
		select {
		case r := <-ch:
			out = append(out, r)
		case <-time.After(quiet):
			return out
		}
	}
}

func describe(rs []alerter.Reminder) string {
	s := fmt.Sprintf("%d reminders:", len(rs))
	for _, r := range rs {
		s += fmt.Sprintf(" [%s %s]", r.Category, r.RuleID)
	}
	return s
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sanitize(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			b[i] = '-'
		}
	}
	return string(b)
}
