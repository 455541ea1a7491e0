package rooms

import (
	"cmp"
	"slices"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/pipeline"
)

// Status is a room as the API shows it. The per-session fields (session,
// heard_ms, chunks, …) describe the current or last session; Total adds up
// every session since the room was first seen.
type Status struct {
	Room pipeline.Room `json:"room"`
	// State is one of the State constants (states.go documents each).
	State State `json:"state"`
	// Reason says why the room is in its state, e.g. "reconnecting: …".
	Reason     string `json:"reason,omitempty"`
	Registered bool   `json:"registered"`
	// RegisteredSource is the registered source ("whip" or the URL with its
	// password and query redacted).
	RegisteredSource string    `json:"registered_source,omitempty"`
	Source           string    `json:"source,omitempty"`
	Session          string    `json:"session,omitempty"`
	Started          time.Time `json:"started"`
	Ended            time.Time `json:"ended,omitzero"`
	HeardMs          int64     `json:"heard_ms"`
	Chunks           uint64    `json:"chunks"`
	Dropped          uint64    `json:"dropped_chunks"`
	// ShedPartials are partial hypotheses of the session a scanner that
	// fell behind skipped (the overload policy; their finals are scanned).
	ShedPartials uint64 `json:"shed_partials"`
	// Utterance and Alerts count the current or last audio session plus
	// the room's text feed (POST /v1/rooms/{room}/utterances).
	Utterance uint64 `json:"utterances"`
	Alerts    uint64 `json:"alerts"`
	// SourceStats are the current or last session's network and decoder
	// counters (packet loss, concealment, decode errors), for sources that
	// keep them (ingest.StatsProvider: WHIP, WHEP, ffmpeg).
	SourceStats *ingest.SourceStats `json:"source_stats,omitempty"`
	LastError   string              `json:"last_error,omitempty"`
	// Attempt counts consecutive failed connections of a pulled source.
	Attempt    int    `json:"attempt,omitempty"`
	Reconnects uint64 `json:"reconnects"`
	Sessions   uint64 `json:"sessions"`
	Total      Totals `json:"total"`
	// LexiconVersion is the lexicon version new utterances are matched with.
	LexiconVersion string `json:"lexicon_version,omitempty"`
	// Owner names this worker when it holds the room's claim
	// (Options.Owner, when it names its holder): it pulls the room, or a
	// WHIP publisher's session here holds it.
	Owner string `json:"owner,omitempty"`
}

// Totals add up a room's sessions.
type Totals struct {
	HeardMs      int64   `json:"heard_ms"`
	HeardSeconds float64 `json:"heard_seconds"`
	// PCMBytes is the 16 kHz 16-bit audio the sources delivered, dropped
	// or not.
	PCMBytes uint64 `json:"pcm_bytes"`
	Chunks   uint64 `json:"chunks"`
	Dropped  uint64 `json:"dropped_chunks"`
	// ShedPartials add up the sessions' Status.ShedPartials.
	ShedPartials uint64 `json:"shed_partials"`
	Utterances   uint64 `json:"utterances"`
	Alerts       uint64 `json:"alerts"`
	// Source adds up the sessions' source counters (SourceStats).
	Source ingest.SourceStats `json:"source"`
}

// add counts session ses, including its source's counters.
func (t *Totals) add(ses *pipeline.Session) {
	if st, ok := ingest.StatsOf(ses.Source); ok {
		t.Source = t.Source.Add(st)
	}
	s := &ses.Stats
	t.HeardMs += s.HeardMs.Load()
	t.HeardSeconds = float64(t.HeardMs) / 1000
	t.PCMBytes += 2 * s.Samples.Load()
	t.Chunks += s.Chunks.Load()
	t.Dropped += s.DroppedChunks.Load()
	t.ShedPartials += s.ShedPartials.Load()
	t.Utterances += s.Utterances.Load()
	t.Alerts += s.Alerts.Load()
}

// Rooms lists every room seen since start, sorted by id.
func (r *Registry) Rooms() []Status {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Status, 0, len(r.rooms))
	for id, e := range r.rooms {
		out = append(out, r.statusLocked(id, e))
	}
	slices.SortFunc(out, func(a, b Status) int { return cmp.Compare(a.Room.ID, b.Room.ID) })
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
	return r.statusLocked(id, e), true
}

func (r *Registry) statusLocked(id string, e *entry) Status {
	st := Status{
		Room: pipeline.Room{ID: id}, State: r.stateLocked(e), Reason: e.reason, Started: e.started, Ended: e.ended,
		LastError: e.lastErr, Attempt: e.attempt, Reconnects: e.reconnects, Sessions: e.sessions,
		Total: e.past, LexiconVersion: r.lexiconVersion(),
	}
	if e.spec != nil {
		st.Registered, st.RegisteredSource, st.Room = true, e.spec.Redacted(), e.spec.Room()
	}
	if s := e.session; s != nil {
		st.Room, st.Source, st.Session = s.Room, s.Source.Describe(), s.ID
		st.HeardMs, st.Chunks, st.Dropped = s.Stats.HeardMs.Load(), s.Stats.Chunks.Load(), s.Stats.DroppedChunks.Load()
		st.ShedPartials = s.Stats.ShedPartials.Load()
		st.Utterance, st.Alerts = s.Stats.Utterances.Load(), s.Stats.Alerts.Load()
		if src, ok := ingest.StatsOf(s.Source); ok {
			st.SourceStats = &src
		}
		if e.running {
			st.Total.add(s)
		}
	}
	if o, ok := r.opts.Owner.(interface{ Holder() string }); ok && r.opts.Owner.Holds(id) {
		st.Owner = o.Holder()
	}
	if t := e.text; t != nil { // the text feed never ends: it counts as current
		st.Utterance += t.Stats.Utterances.Load()
		st.Alerts += t.Stats.Alerts.Load()
		st.Total.add(t)
	}
	return st
}

// stateLocked is the room's state as shown: a pulled room whose session
// has not delivered audio yet is still connecting.
func (r *Registry) stateLocked(e *entry) State {
	if s := e.session; s != nil && e.running && e.spec != nil && e.spec.Pulled() && s.Stats.Samples.Load() == 0 {
		return StateConnecting
	}
	return e.state
}

func (r *Registry) lexiconVersion() string {
	if r.tmpl.Matcher == nil {
		return ""
	}
	if v, ok := r.tmpl.Matcher().(pipeline.Versioned); ok {
		return v.Version()
	}
	return ""
}

func sortSpecs(specs []Spec) []Spec {
	slices.SortFunc(specs, func(a, b Spec) int { return cmp.Compare(a.ID, b.ID) })
	return specs
}
