package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/earshot/earshot/alerter"
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

func (s *Server) roomAdminRoutes(m *http.ServeMux) {
	m.HandleFunc("POST /v1/rooms", s.postRoom)
	m.HandleFunc("DELETE /v1/rooms/{room}", s.deleteRoom)
	m.HandleFunc("GET /v1/alerts/{id}/clip", s.getClip)
}

func (s *Server) admin(w http.ResponseWriter) (RoomAdmin, bool) {
	a, ok := s.opts.Rooms.(RoomAdmin)
	if !ok {
		writeError(w, http.StatusNotImplemented, "not_supported", "this server does not register rooms")
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
		writeError(w, http.StatusBadRequest, "bad_room", roomErrMessage(err))
		return
	}
	st, err := admin.Add(spec)
	if err != nil {
		status, code := roomErrStatus(err)
		writeError(w, status, code, roomErrMessage(err))
		return
	}
	w.Header().Set("Location", "/v1/rooms/"+spec.ID)
	writeJSON(w, http.StatusCreated, st)
}

func (s *Server) deleteRoom(w http.ResponseWriter, r *http.Request) {
	admin, ok := s.admin(w)
	if !ok {
		return
	}
	id := r.PathValue("room")
	if err := alerter.ValidRoomID(id); err != nil {
		writeError(w, http.StatusBadRequest, "bad_room", err.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), removeWait)
	defer cancel()
	if err := admin.Remove(ctx, id); err != nil {
		status, code := roomErrStatus(err)
		writeError(w, status, code, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"room": id, "removed": true})
}

func roomErrStatus(err error) (int, string) {
	switch {
	case errors.Is(err, rooms.ErrInvalid):
		return http.StatusBadRequest, "bad_room"
	case errors.Is(err, rooms.ErrExists):
		return http.StatusConflict, "room_exists"
	case errors.Is(err, rooms.ErrBusy):
		return http.StatusConflict, "room_busy"
	case errors.Is(err, rooms.ErrNotFound):
		return http.StatusNotFound, "unknown_room"
	case errors.Is(err, rooms.ErrClosed):
		return http.StatusServiceUnavailable, "shutting_down"
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusAccepted, "still_flushing"
	}
	return http.StatusInternalServerError, "internal"
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
