package app

import (
	"context"
	"fmt"

	"github.com/earshot/earshot/cluster/roomsync"
	"github.com/earshot/earshot/rooms"
	"github.com/earshot/earshot/server"
)

// sharedRooms is the registry the API registers rooms in: its own, with
// every registration shared through EARSHOT_ROOMS (cluster/roomsync), so
// any node takes a registration and every ingest worker knows the room.
type sharedRooms struct {
	*rooms.Registry
	sync *roomsync.Sync
}

// Add and Remove go through the cluster's list.
func (r sharedRooms) Add(spec rooms.Spec) (rooms.Status, error) { return r.sync.Add(spec) }
func (r sharedRooms) Remove(ctx context.Context, id string) error {
	return r.sync.Remove(ctx, id)
}

var _ server.RoomAdmin = sharedRooms{}

// openRoomSync joins the cluster's room list: applies it to the registry
// and shares the registry's rooms the list does not know.
func (s *Service) openRoomSync(ctx context.Context) error {
	js, err := s.jetStream()
	if err != nil {
		return fmt.Errorf("jetstream: %w", err)
	}
	s.roomSync, err = roomsync.Open(ctx, js, s.reg, roomsync.Options{Replicas: s.cfg.Cluster.Replicas,
		MaxBytes: s.bounds.rooms, Logger: s.log.With("component", "roomsync")})
	return err
}

// roomsAPI is what the API's room routes use.
func (s *Service) roomsAPI() server.Rooms {
	if s.roomSync == nil {
		return s.reg
	}
	return sharedRooms{Registry: s.reg, sync: s.roomSync}
}

// nobody is the rooms.Owner of an api node: it keeps every registered
// room's status ("elsewhere") and pulls none; the ingest workers do.
type nobody struct{}

func (nobody) Acquire(context.Context, string) bool { return false }
func (nobody) Holds(string) bool                    { return false }
func (nobody) Release(string)                       {}
