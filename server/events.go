package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/appeal"
	"github.com/earshot/earshot/alerter/disposition"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon"
)

// Bus is the live side of NATS the event feeds subscribe to (*nats.Conn).
type Bus interface {
	Subscribe(subject string, cb nats.MsgHandler) (*nats.Subscription, error)
}

// Event feed tuning.
const (
	// heartbeat keeps proxies and the browser from closing an idle feed.
	heartbeat = 15 * time.Second
	// retryMs tells EventSource how soon to reconnect after a drop.
	retryMs = 1000
	// feedBuffer is how many messages a slow client may fall behind before
	// messages are dropped (and counted in a comment) for it.
	feedBuffer = 256
)

// severity reports whether v is one of the lexicon's severities, the
// values ?severity= accepts, and names them.
func severity(v string) (ok bool, want string) {
	var ids []string
	for _, t := range lexicon.Severities() {
		if t.ID == v {
			return true, ""
		}
		ids = append(ids, t.ID)
	}
	return false, strings.Join(ids, ", ")
}

// streams ends every open event feed when the HTTP server shuts down:
// Shutdown does not cancel request contexts, and a feed never ends by itself.
type streams struct {
	once sync.Once
	done chan struct{}
}

func newStreams() *streams { return &streams{done: make(chan struct{})} }

func (st *streams) close() { st.once.Do(func() { close(st.done) }) }

// alertFilter is the validated query of the alert feed.
type alertFilter struct{ category, severity, room string }

func parseAlertFilter(r *http.Request) (alertFilter, error) {
	v := r.URL.Query()
	f := alertFilter{category: v.Get("category"), severity: v.Get("severity"), room: v.Get("room")}
	if f.category != "" {
		if err := alerter.ValidCategory(f.category); err != nil {
			return f, err
		}
	}
	if f.room != "" {
		if err := alerter.ValidRoomID(f.room); err != nil {
			return f, err
		}
	}
	if ok, want := severity(f.severity); f.severity != "" && !ok {
		return f, fmt.Errorf("severity %q: want one of %s", f.severity, want)
	}
	return f, nil
}

// subjects are the NATS subjects the filter needs: severity is not in a
// subject, so it is checked per message.
func (f alertFilter) subjects() []string {
	cat, room := "*", "*"
	if f.category != "" {
		cat = f.category
	}
	if f.room != "" {
		room = f.room
	}
	return []string{alerter.AlertSubject(cat, room), disposition.Subject(cat, room), alerter.EscalationSubject(room)}
}

// keeps reports whether an escalation passes the filter (category and
// severity are not in its subject).
func (f alertFilter) keeps(e alerter.Escalation) bool {
	return (f.category == "" || e.Category == f.category) && (f.severity == "" || e.Severity == f.severity) &&
		(f.room == "" || e.Room == f.room)
}

// alertEvents streams new alerts (event "alert"), new dispositions
// (event "disposition") and escalations (event "escalation") as
// Server-Sent Events.
func (s *Server) alertEvents(w http.ResponseWriter, r *http.Request) {
	f, err := parseAlertFilter(r)
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	s.stream(w, r, f.subjects(), func(m *nats.Msg) (string, string, bool) {
		switch {
		case strings.HasPrefix(m.Subject, disposition.SubjectPrefix+"."):
			d, err := disposition.Decode(m.Data)
			return api.EventDisposition, d.AlertID, err == nil
		case strings.HasPrefix(m.Subject, alerter.EscalationSubjectPrefix+"."):
			return escalationEvent(m, f.keeps)
		}
		a, err := alerter.DecodeAlert(m.Data)
		if err != nil || (f.severity != "" && a.Severity != f.severity) {
			return "", "", false
		}
		return api.EventAlert, a.ID, true
	})
}

// roomFeed is one kind of event of a room's overlay feed: the subject it
// arrives on and how a message of it becomes an event. A new kind is one
// more entry of roomFeeds.
type roomFeed struct {
	subject func(room string) string
	event   func(room string, m *nats.Msg) (event, id string, ok bool)
}

// roomFeeds are the events of GET /v1/events/rooms/{room}/reminders.
var roomFeeds = []roomFeed{
	{alerter.ReminderSubject, func(room string, m *nats.Msg) (string, string, bool) {
		rem, err := alerter.DecodeReminder(m.Data)
		if err != nil || rem.Room != room {
			return "", "", false
		}
		m.Data = labelled(rem, m.Data) // this subscription's own copy
		return api.EventReminder, rem.AlertID, true
	}},
	{alerter.EscalationSubject, func(room string, m *nats.Msg) (string, string, bool) {
		return escalationEvent(m, func(e alerter.Escalation) bool { return e.Room == room })
	}},
	// appeals when filed and decided, so the anchor sees the outcome
	{alerter.AppealSubject, func(room string, m *nats.Msg) (string, string, bool) {
		ap, err := appeal.Decode(m.Data)
		return api.EventAppeal, "", err == nil && ap.Room == room
	}},
}

// labelledReminder is a reminder with its category's names, so the overlay
// shows "医疗宣称" or "Medical claim" rather than an id: the anchor's
// cookie opens this feed only (session.go), not the schema route.
type labelledReminder struct {
	alerter.Reminder
	CategoryLabel   string `json:"category_label,omitempty"`
	CategoryLabelZH string `json:"category_label_zh,omitempty"`
}

// labelled is rem's event data with its category's labels; data as it
// came when the category is not one of the lexicon's.
func labelled(rem alerter.Reminder, data []byte) []byte {
	for _, c := range lexicon.Categories() {
		if c.ID != rem.Category {
			continue
		}
		if b, err := json.Marshal(labelledReminder{Reminder: rem, CategoryLabel: c.Label, CategoryLabelZH: c.LabelZH}); err == nil {
			return b
		}
	}
	return data
}

// reminderEvents streams one room's reminders, escalations (event
// "escalation") and appeals when filed and decided (event "appeal") to its
// overlay (api.Routes: the room's anchor, compliance staff, admins).
func (s *Server) reminderEvents(w http.ResponseWriter, r *http.Request) {
	room := r.PathValue("room")
	if err := alerter.ValidRoomID(room); err != nil {
		writeError(w, api.CodeBadRoom, err.Error())
		return
	}
	subjects := make([]string, len(roomFeeds))
	kinds := map[string]roomFeed{}
	for i, f := range roomFeeds {
		subjects[i] = f.subject(room)
		kinds[subjects[i]] = f
	}
	s.stream(w, r, subjects, func(m *nats.Msg) (string, string, bool) {
		f, ok := kinds[m.Subject]
		if !ok {
			return "", "", false
		}
		return f.event(room, m)
	})
}

// classify names a message's event and id, or rejects it.
type classify func(*nats.Msg) (event, id string, ok bool)

// stream subscribes to subjects and writes each accepted message as an
// event until the client leaves or the server shuts down.
func (s *Server) stream(w http.ResponseWriter, r *http.Request, subjects []string, kind classify) {
	if s.opts.Bus == nil {
		writeError(w, api.CodeNoEvents, "live events are not configured on this server")
		return
	}
	msgs := make(chan *nats.Msg, feedBuffer)
	var dropped atomic.Int64
	push := func(m *nats.Msg) {
		select {
		case msgs <- m:
		default: // a slow client must not slow NATS down
			dropped.Add(1)
		}
	}
	for _, subj := range subjects {
		sub, err := s.opts.Bus.Subscribe(subj, push)
		if err != nil {
			writeError(w, api.CodeNoEvents, "subscribing to "+subj+": "+err.Error())
			return
		}
		defer func() { _ = sub.Unsubscribe() }()
	}
	out := newSSE(w)
	if err := out.open(); err != nil {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		var err error
		select {
		case <-r.Context().Done():
			return
		case <-s.streams.done:
			return
		case <-tick.C:
			err = out.comment(fmt.Sprintf("ping; %d messages dropped for this slow client", dropped.Load()))
		case m := <-msgs:
			if ev, id, ok := kind(m); ok {
				err = out.event(ev, id, m.Data)
			}
		}
		if err != nil {
			return
		}
	}
}

// sse writes the text/event-stream format
// (https://html.spec.whatwg.org/multipage/server-sent-events.html).
type sse struct {
	w  http.ResponseWriter
	rc *http.ResponseController
}

func newSSE(w http.ResponseWriter) *sse { return &sse{w: w, rc: http.NewResponseController(w)} }

// open sends the headers, the reconnect delay and a "ready" event, so a
// client knows it is subscribed before anything is published.
func (e *sse) open() error {
	h := e.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // nginx: do not buffer the feed
	e.w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprintf(e.w, "retry: %d\n\n", retryMs); err != nil {
		return err
	}
	return e.event(api.EventReady, "", []byte(`{}`))
}

func (e *sse) comment(text string) error {
	if _, err := fmt.Fprintf(e.w, ": %s\n\n", text); err != nil {
		return err
	}
	return e.rc.Flush()
}

// event writes one event; data is JSON, compacted so it fits on one line.
func (e *sse) event(name, id string, data []byte) error {
	var buf bytes.Buffer
	if err := json.Compact(&buf, data); err != nil {
		return nil // not JSON: skip it rather than end the feed
	}
	var b strings.Builder
	b.WriteString("event: " + name + "\n")
	if id != "" && !strings.ContainsAny(id, "\r\n") {
		b.WriteString("id: " + id + "\n")
	}
	b.WriteString("data: " + buf.String() + "\n\n")
	if _, err := e.w.Write([]byte(b.String())); err != nil {
		return err
	}
	return e.rc.Flush()
}
