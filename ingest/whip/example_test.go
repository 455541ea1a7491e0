package whip_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/whip"
)

// How cmd/earshot wires WHIP ingest: authorize with room tokens, hand each
// session to the room's pipeline, mount at /whip/.
func Example() {
	srv, err := whip.New(whip.Config{
		Authorize: func(r *http.Request, room string) error {
			if r.Header.Get("Authorization") == "" { // use internal/auth's signed room tokens
				return errors.New("no token")
			}
			return nil
		},
		OnSession: func(room string, s *whip.Session) {
			go func() { // must not block: the 201 answer waits for OnSession
				err := s.Run(context.Background(), func(c ingest.Chunk) error { return nil })
				slog.Info("publisher gone", "room", room, "err", err, "stats", s.Stats())
			}()
		},
		AllowOrigin: "*",
		UDPAddr:     ":8189", // one UDP port for every session
	})
	if err != nil {
		return
	}
	defer srv.Close()
	mux := http.NewServeMux()
	mux.Handle("/whip/", srv)
	_ = mux // http.ListenAndServe(":8080", mux)
}
