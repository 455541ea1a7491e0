package rooms

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/pipeline"
)

// ErrReplaced is given to the abandon func of a publisher that was itself
// replaced before its session could start.
var ErrReplaced = errors.New("replaced by a newer publisher before it started")

// pending is a publisher waiting for the room's running session to finish.
type pending struct {
	room    pipeline.Room
	src     ingest.Source
	abandon func(error)
}

// StartAudio begins monitoring src as room in the background. A lossless
// session waits for the recognizer instead of dropping audio (a file read as
// fast as possible); a live one drops and counts what it cannot keep up with.
// A room registered as WHIP takes its anchor and merchant from the
// registration where the caller gives none; a room with a pulled source, or
// with a session running, refuses other audio with ErrBusy.
func (r *Registry) StartAudio(room pipeline.Room, src ingest.Source, lossless bool) (string, error) {
	if err := alerter.ValidRoomID(room.ID); err != nil {
		return "", err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, err := r.pushableLocked(room)
	if err != nil {
		return "", err
	}
	if e.running {
		return "", fmt.Errorf("rooms: %s: %w", room.ID, ErrBusy)
	}
	return r.startPushedLocked(e, room, src, lossless, false), nil
}

// ReplaceAudio makes live src the room's session on behalf of a publisher
// who takes the room over (a WHIP publisher reconnecting, or a reloaded
// page): a publisher's session still running is stopped, and src starts
// the moment that session has finalized its last utterance and flushed its
// alerts and clips, so the anchor is never refused and no alert of the old
// session is lost. It never blocks.
//
// If a newer ReplaceAudio for the room comes first, or the room is removed
// or the registry closes while src waits, src never runs: abandon is then
// called with the reason, on its own goroutine. ReplaceAudio itself
// refuses (and does not call abandon) a pulled room, a room running an
// upload (ErrBusy) and a closed registry (ErrClosed).
func (r *Registry) ReplaceAudio(room pipeline.Room, src ingest.Source, abandon func(error)) error {
	if err := alerter.ValidRoomID(room.ID); err != nil {
		return err
	}
	if abandon == nil {
		abandon = func(error) {}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	e, err := r.pushableLocked(room)
	if err != nil {
		return err
	}
	if !e.running {
		r.startPushedLocked(e, room, src, false, true)
		return nil
	}
	if !e.replaceable {
		return fmt.Errorf("rooms: %s is taking an upload: %w", room.ID, ErrBusy)
	}
	if old := e.next; old != nil {
		go old.abandon(fmt.Errorf("rooms: %s: %w", room.ID, ErrReplaced))
	}
	e.next = &pending{room: room, src: src, abandon: abandon}
	e.cancel() // finishPushed starts e.next once the session has drained
	return nil
}

// pushableLocked is the entry that pushed audio for id may go to.
func (r *Registry) pushableLocked(room pipeline.Room) (*entry, error) {
	if r.closed {
		return nil, ErrClosed
	}
	id := room.ID
	e, err := r.admitLocked(room)
	if err != nil {
		return nil, err
	}
	if e.spec != nil && e.spec.Pulled() {
		return nil, fmt.Errorf("rooms: %s is fed by its pulled source: %w", id, ErrBusy)
	}
	return e, nil
}

// startPushedLocked starts src as e's session and returns its id.
func (r *Registry) startPushedLocked(e *entry, room pipeline.Room, src ingest.Source, lossless, replaceable bool) string {
	if e.spec != nil {
		room = mergeRoom(room, e.spec.Room())
	}
	ctx, cancel := context.WithCancel(r.ctx)
	s := &pipeline.Session{Room: room, ID: alerter.NewID(r.now()), Source: src, Lossless: lossless}
	e.session, e.running, e.sessions, e.replaceable = s, true, e.sessions+1, replaceable
	r.tally.beginLocked(s, false)
	e.state, e.reason, e.started, e.ended, e.lastErr = StateLive, "", r.now(), time.Time{}, ""
	e.cancel, e.done = cancel, make(chan struct{})
	done := e.done
	r.wg.Go(func() {
		defer close(done)
		defer cancel()
		err := r.runSession(ctx, s)
		r.finishPushed(e, s, err)
	})
	return s.ID
}

// finishPushed records the end of a pushed session and starts the
// publisher waiting to take over, if any. It runs on the session's own
// goroutine, still counted by r.wg, so starting another is safe while Wait
// waits.
func (r *Registry) finishPushed(e *entry, s *pipeline.Session, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e.running, e.replaceable, e.ended = false, false, r.now()
	r.tally.endLocked(e, s)
	e.state, e.reason = StateEnded, ""
	if e.spec != nil {
		e.state, e.reason = StateWaiting, reasonWaiting
	}
	if err != nil {
		e.state, e.lastErr = StateFailed, err.Error()
		r.log.Warn("room session failed", "room", s.Room.ID, "session", s.ID, "err", err)
	}
	n := e.next
	if n == nil {
		return
	}
	e.next = nil
	if r.closed || r.rooms[s.Room.ID] != e {
		go n.abandon(fmt.Errorf("rooms: %s: %w", s.Room.ID, ErrClosed))
		return
	}
	r.startPushedLocked(e, n.room, n.src, false, true)
}
