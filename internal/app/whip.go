package app

import (
	"net/http"
	"time"

	"github.com/earshot/earshot/ingest/whip"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/pipeline"
)

// newWHIP serves WHIP publishers at /whip/{room}: a room token authorizes
// the room, and each accepted session takes the room over (rooms'
// ReplaceAudio: the previous publisher's session drains, then this one
// runs).
func (s *Service) newWHIP() (*whip.Server, error) {
	return whip.New(whip.Config{
		AllowOrigin: s.cfg.HTTP.AllowOrigin,
		Logger:      s.log,
		Authorize: func(r *http.Request, room string) error {
			return s.tokens.AllowRoom(auth.Bearer(r.Header.Get("Authorization")), room, time.Now())
		},
		OnSession: func(room string, sess *whip.Session) {
			drop := func(err error) {
				s.log.Warn("whip session not started", "room", room, "err", err)
				sess.Close()
			}
			if err := s.reg.ReplaceAudio(pipeline.Room{ID: room}, sess, drop); err != nil {
				go drop(err) // OnSession must not block: the 201 answer waits for it
			}
		},
	})
}
