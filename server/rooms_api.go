package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/rooms"
)

// RoomAdmin is implemented by registries that take room registrations
// (*rooms.Registry does); without it POST and DELETE /v1/rooms answer 501.
type RoomAdmin interface {
	Add(spec rooms.Spec) (rooms.Status, error)
	Remove(ctx context.Context, id string) error
	Schemes() []string
}

// removeWait bounds how long DELETE waits for a room to flush.
const removeWait = 30 * time.Second

func (s *Server) admin(w http.ResponseWriter) (RoomAdmin, bool) {
	a, ok := s.opts.Rooms.(RoomAdmin)
	if !ok {
		writeError(w, api.CodeNotSupported, "this server does not register rooms")
	}
	return a, ok
}

// postRoom registers a room: {"id", "anchor", "merchant", "source", "token"}.
func (s *Server) postRoom(w http.ResponseWriter, r *http.Request) {
	admin, ok := s.admin(w)
	if !ok {
		return
	}
	spec, err := rooms.DecodeSpec(r.Body, admin.Schemes())
	if err != nil {
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			bodyError(w, err, api.CodeBadRoom, "the room registration")
			return
		}
		writeError(w, api.CodeBadRoom, roomErrMessage(err))
		return
	}
	st, err := admin.Add(spec)
	if err != nil {
		writeError(w, roomErrCode(err), roomErrMessage(err))
		return
	}
	w.Header().Set("Location", api.Expand("/v1/rooms/{room}", spec.ID))
	writeJSON(w, http.StatusCreated, wireRoomStatus(st))
}

func (s *Server) deleteRoom(w http.ResponseWriter, r *http.Request) {
	admin, ok := s.admin(w)
	if !ok {
		return
	}
	id := r.PathValue("room")
	if err := alerter.ValidRoomID(id); err != nil {
		writeError(w, api.CodeBadRoom, err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), removeWait)
	defer cancel()
	if err := admin.Remove(ctx, id); err != nil {
		writeError(w, roomErrCode(err), err.Error())
		return
	}
	writeJSON(w, http.StatusOK, api.RoomRemoved{Room: id, Removed: true})
}

func roomErrCode(err error) api.Code {
	switch {
	case errors.Is(err, rooms.ErrInvalid):
		return api.CodeBadRoom
	case errors.Is(err, rooms.ErrExists):
		return api.CodeRoomExists
	case errors.Is(err, rooms.ErrBusy):
		return api.CodeRoomBusy
	case errors.Is(err, rooms.ErrNotFound), errors.Is(err, rooms.ErrUnregistered):
		return api.CodeUnknownRoom
	case errors.Is(err, rooms.ErrRoomLimit):
		return api.CodeRoomLimit
	case errors.Is(err, rooms.ErrClosed):
		return api.CodeShuttingDown
	case errors.Is(err, context.DeadlineExceeded):
		return api.CodeStillFlushing
	}
	return api.CodeInternal
}

// roomErrMessage is the field problem alone when there is one ("source:
// scheme …"), without the package's error prefixes.
func roomErrMessage(err error) string {
	var fe *rooms.FieldError
	if errors.As(err, &fe) {
		return fmt.Sprintf("%s: %s", fe.Field, fe.Problem)
	}
	return err.Error()
}
