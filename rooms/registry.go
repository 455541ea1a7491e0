package rooms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

// ErrBusy is returned when a room already has a live audio session.
var ErrBusy = errors.New("room already has a live audio session")

// ErrClosed is returned once the registry is shutting down.
var ErrClosed = errors.New("registry is shutting down")

// Status is a room as the API shows it.
type Status struct {
	Room      pipeline.Room `json:"room"`
	State     string        `json:"state"` // live, ended, failed
	Source    string        `json:"source,omitempty"`
	Session   string        `json:"session,omitempty"`
	Started   time.Time     `json:"started"`
	Ended     time.Time     `json:"ended,omitzero"`
	HeardMs   int64         `json:"heard_ms"`
	Chunks    uint64        `json:"chunks"`
	Dropped   uint64        `json:"dropped_chunks"`
	Utterance uint64        `json:"utterances"`
	Alerts    uint64        `json:"alerts"`
	LastError string        `json:"last_error,omitempty"`
}

type entry struct {
	session *pipeline.Session
	state   string
	started time.Time
	ended   time.Time
	lastErr string
	text    *pipeline.Detector
	textSes *pipeline.Session
	textSeq uint64
}

// Registry runs and tracks rooms. It is safe for concurrent use.
type Registry struct {
	ctx  context.Context
	tmpl pipeline.Config
	log  *slog.Logger
	now  func() time.Time

	mu     sync.Mutex
	rooms  map[string]*entry
	closed bool
	wg     sync.WaitGroup
}

// New makes a registry whose pipelines use tmpl and live until ctx ends.
func New(ctx context.Context, tmpl pipeline.Config, log *slog.Logger) *Registry {
	if log == nil {
		log = slog.Default()
	}
	return &Registry{ctx: ctx, tmpl: tmpl, log: log, now: time.Now, rooms: map[string]*entry{}}
}

// StartAudio begins monitoring src as room in the background. A lossless
// session waits for the recognizer instead of dropping audio (a file read as
// fast as possible); a live one drops and counts what it cannot keep up with.
func (r *Registry) StartAudio(room pipeline.Room, src ingest.Source, lossless bool) (string, error) {
	if err := alerter.ValidRoomID(room.ID); err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return "", ErrClosed
	}
	e := r.entryLocked(room)
	if e.state == "live" {
		return "", fmt.Errorf("rooms: %s: %w", room.ID, ErrBusy)
	}
	s := &pipeline.Session{Room: room, ID: alerter.NewID(r.now()), Source: src, Lossless: lossless}
	e.session, e.state, e.started, e.ended, e.lastErr = s, "live", r.now(), time.Time{}, ""
	r.wg.Go(func() { r.run(e, s) })
	return s.ID, nil
}

func (r *Registry) run(e *entry, s *pipeline.Session) {
	err := pipeline.Run(r.ctx, s, r.tmpl)
	r.mu.Lock()
	defer r.mu.Unlock()
	e.ended = r.now()
	e.state = "ended"
	if err != nil {
		e.state, e.lastErr = "failed", err.Error()
		r.log.Warn("room session failed", "room", s.Room.ID, "session", s.ID, "err", err)
	}
}

func (r *Registry) entryLocked(room pipeline.Room) *entry {
	e, ok := r.rooms[room.ID]
	if !ok {
		e = &entry{state: "idle", started: r.now()}
		r.rooms[room.ID] = e
	}
	return e
}

// Utterances matches text from an outside recognizer as room's speech and
// sends the alerts; it returns them once the sink accepted them.
func (r *Registry) Utterances(ctx context.Context, room pipeline.Room, hs []transcript.Hypothesis) ([]alerter.Alert, error) {
	if err := alerter.ValidRoomID(room.ID); err != nil {
		return nil, err
	}
	det, ses, base := r.textDetector(room, len(hs))
	var out []alerter.Alert
	for i, h := range hs {
		h.Utterance = base + uint64(i)
		found, hits := det.Detect(h)
		if r.tmpl.OnHypothesis != nil {
			r.tmpl.OnHypothesis(ses, h, hits)
		}
		for _, a := range found {
			if err := r.tmpl.Sink.Send(ctx, a); err != nil {
				return out, fmt.Errorf("rooms: %s: sending alert for rule %s: %w", room.ID, a.RuleID, err)
			}
			out = append(out, a)
		}
	}
	return out, nil
}

// textDetector reserves n utterance numbers in room's text session.
func (r *Registry) textDetector(room pipeline.Room, n int) (*pipeline.Detector, *pipeline.Session, uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.entryLocked(room)
	if e.text == nil {
		e.textSes = &pipeline.Session{Room: room, ID: "text-" + alerter.NewID(r.now())}
		e.text = pipeline.NewDetector(room, e.textSes.ID, r.tmpl.Matcher)
	}
	base := e.textSeq + 1
	e.textSeq += uint64(n)
	return e.text, e.textSes, base
}

// Rooms lists every room seen since start, sorted by id.
func (r *Registry) Rooms() []Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Status, 0, len(r.rooms))
	for id, e := range r.rooms {
		out = append(out, e.status(id))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Room.ID < out[j].Room.ID })
	return out
}

// Room returns one room's status.
func (r *Registry) Room(id string) (Status, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.rooms[id]
	if !ok {
		return Status{}, false
	}
	return e.status(id), true
}

func (e *entry) status(id string) Status {
	st := Status{Room: pipeline.Room{ID: id}, State: e.state, Started: e.started, Ended: e.ended, LastError: e.lastErr}
	if s := e.session; s != nil {
		st.Room, st.Source, st.Session = s.Room, s.Source.Describe(), s.ID
		st.HeardMs, st.Chunks, st.Dropped = s.Stats.HeardMs.Load(), s.Stats.Chunks.Load(), s.Stats.DroppedChunks.Load()
		st.Utterance, st.Alerts = s.Stats.Utterances.Load(), s.Stats.Alerts.Load()
	}
	return st
}

// Wait blocks new sessions and waits until every running one has drained
// (the registry's context must be cancelled for live sources to stop).
func (r *Registry) Wait() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.wg.Wait()
}
