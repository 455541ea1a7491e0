package app

import (
	"net/http"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/ingest/whip"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// newWHIP serves WHIP publishers at /whip/{room}: a room token authorizes
// the room, and each accepted session takes the room over (rooms'
// ReplaceAudio: the previous publisher's session drains, then this one
// runs).
func (s *Service) newWHIP() (*whip.Server, error) {
	if s.roles.place != nil {
		s.whipClaims = &whipClaims{place: s.roles.place, log: s.log, rooms: map[string]*whipClaim{},
			live: func(room string) bool { st, ok := s.reg.Room(room); return ok && st.State == rooms.StateLive }}
	}
	return whip.New(whip.Config{
		// CORS is the API server's (server/browser.go): http.allow_origin
		// on the WHIP routes only.
		AllowOrigin: "",
		Logger:      s.log,
		Authorize: func(r *http.Request, room string) error {
			// The API's guard has checked the same already; the WHIP server
			// asks again, with the access of api.Routes.
			c, err := s.tokens.Check(auth.Bearer(r.Header.Get("Authorization")), time.Now())
			if err != nil {
				return err
			}
			if rt, ok := api.RouteOf(http.MethodPost, "/whip/{room}"); !ok || !rt.Access.Admits(c.Role, c.Room, room) {
				return auth.ErrScope
			}
			return nil
		},
		OnSession: func(room string, sess *whip.Session) {
			drop := func(err error) {
				s.log.Warn("whip session not started", "room", room, "err", err)
				sess.Close()
			}
			if s.whipClaims != nil { // the room's claim is kept while the session runs
				s.whipClaims.started(room, sess)
			}
			if err := s.reg.ReplaceAudio(pipeline.Room{ID: room}, sess, drop); err != nil {
				go drop(err) // OnSession must not block: the 201 answer waits for it
			}
		},
	})
}
