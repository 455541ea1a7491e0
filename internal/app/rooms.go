package app

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/pull"

	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// openRooms makes the room registry: registered rooms are kept in
// DATA/rooms.json and restarted from it, evidence clips go to
// DATA/evidence/<alert-id>.wav, and pulled URLs are opened by pullSource.
func (s *Service) openRooms(ctx context.Context, tmpl pipeline.Config) (*rooms.Registry, error) {
	reg, err := rooms.Open(ctx, tmpl, rooms.Options{
		Logger:      s.log,
		StorePath:   filepath.Join(s.cfg.DataDir, "rooms.json"),
		EvidenceDir: filepath.Join(s.cfg.DataDir, "evidence"),
		OpenSource:  s.pullSource(),
		Schemes:     pullSchemes,
		// A room may name another configured engine ("recognizer": "openai").
		RecognizerFor: s.engines.For,
	})
	if err != nil {
		return nil, fmt.Errorf("rooms: %w", err)
	}
	return reg, nil
}

// pullSchemes are the URL schemes ingest/pull reads that an API client may
// register; file paths are left out on purpose (no reading the server's
// disk on a client's say-so).
var pullSchemes = slices.Concat(rooms.DefaultSchemes, []string{"whep+http", "whep+https"})

// pullSource opens the source of a pulled room with ingest/pull (ffmpeg for
// RTMP/RTSP/SRT/HLS/HTTP, WHEP for whep+http(s)).
func (s *Service) pullSource() rooms.OpenFunc {
	log := s.log.With("component", "pull")
	return func(rawURL, token string) (ingest.Source, error) {
		return pull.New(rawURL, pull.Options{Token: token, Realtime: true, Logger: log})
	}
}
