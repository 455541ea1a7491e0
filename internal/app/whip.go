package app

import (
	"errors"
	"net/http"
	"time"

	"github.com/earshot/earshot/ingest/whip"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// replaceWait bounds how long a new WHIP publisher waits for the session it
// replaced to finish flushing before its own pipeline starts.
const replaceWait = 5 * time.Second

// newWHIP serves WHIP publishers at /whip/{room}: a room token authorizes
// the room, and each accepted session becomes the room's live source.
func (s *Service) newWHIP() (*whip.Server, error) {
	return whip.New(whip.Config{
		AllowOrigin: s.cfg.HTTP.AllowOrigin,
		Logger:      s.log,
		Authorize: func(r *http.Request, room string) error {
			return s.Signer.AllowRoom(auth.Bearer(r.Header.Get("Authorization")), room, time.Now())
		},
		OnSession: func(room string, sess *whip.Session) {
			go s.startWHIP(pipeline.Room{ID: room}, sess)
		},
	})
}

// startWHIP hands sess to the registry. A publisher that reconnects
// replaces its old session, which may still be flushing: wait for it
// rather than refuse the anchor.
func (s *Service) startWHIP(room pipeline.Room, sess *whip.Session) {
	deadline := time.Now().Add(replaceWait)
	for {
		_, err := s.reg.StartAudio(room, sess, false)
		if err == nil {
			return
		}
		if !errors.Is(err, rooms.ErrBusy) || time.Now().After(deadline) {
			s.log.Warn("whip session not started", "room", room.ID, "err", err)
			sess.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}
