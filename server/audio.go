package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/ingest/wavfile"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// postAudio monitors an uploaded WAV as if the room were live.
func (s *Server) postAudio(w http.ResponseWriter, r *http.Request) {
	room, ok := roomFromRequest(w, r)
	if !ok {
		return
	}
	realtime, err := paceParam(r.URL.Query().Get("pace"))
	if err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	f, err := s.spool(w, r)
	if err != nil {
		return // spool answered
	}
	src, err := wavfile.Open(f, wavfile.Options{Realtime: realtime})
	// Unlinking now is safe: the source holds the file open until it ends.
	_ = os.Remove(f)
	if err != nil {
		writeError(w, api.CodeBadAudio, err.Error())
		return
	}
	// Paced audio behaves like a live room; a fast upload must not lose
	// audio just because it arrives faster than it can be recognized.
	session, err := s.opts.Rooms.StartAudio(room, src, !realtime)
	if err != nil {
		_ = src.Close()
		code := roomErrCode(err)
		if code == api.CodeInternal || code == api.CodeBadRoom {
			code = api.CodeNotStarted
		}
		writeError(w, code, err.Error())
		return
	}
	format := src.Format()
	writeJSON(w, http.StatusAccepted, api.AudioAccepted{
		Room: room.ID, Session: session, Source: src.Describe(),
		Format: format.String(), DurationMs: format.Duration().Milliseconds(), Realtime: realtime,
	})
}

// spool copies the body to a file in the upload dir, so a long broadcast
// never sits in memory. On failure it has already answered the client.
func (s *Server) spool(w http.ResponseWriter, r *http.Request) (string, error) {
	if err := os.MkdirAll(s.opts.UploadDir, 0o700); err != nil {
		writeError(w, api.CodeInternal, "upload dir unusable")
		return "", err
	}
	f, err := os.CreateTemp(s.opts.UploadDir, "upload-*.wav")
	if err != nil {
		writeError(w, api.CodeInternal, "cannot store upload")
		return "", err
	}
	defer f.Close()
	// limit has capped the body at MaxUpload and keeps it from stalling.
	n, err := io.Copy(f, r.Body)
	if err == nil && n == 0 {
		err = errors.New("request body is empty: send a WAV file")
	}
	if err != nil {
		_ = os.Remove(f.Name())
		bodyError(w, err, api.CodeBadAudio, "the upload")
		return "", err
	}
	return f.Name(), nil
}

func paceParam(v string) (realtime bool, err error) {
	switch v {
	case "", "realtime":
		return true, nil
	case "fast":
		return false, nil
	}
	return false, fmt.Errorf("pace %q: want realtime or fast", v)
}

// roomFromRequest validates the {room} path value and the optional anchor
// and merchant query parameters.
func roomFromRequest(w http.ResponseWriter, r *http.Request) (pipeline.Room, bool) {
	room := pipeline.Room{ID: r.PathValue("room"), Anchor: r.URL.Query().Get("anchor"), Merchant: r.URL.Query().Get("merchant")}
	if err := alerter.ValidRoomID(room.ID); err != nil {
		writeError(w, api.CodeBadRoom, err.Error())
		return room, false
	}
	for _, f := range []struct{ name, v string }{{"anchor", room.Anchor}, {"merchant", room.Merchant}} {
		if err := rooms.CheckAccount(f.v); err != nil {
			writeError(w, api.CodeBadQuery, f.name+": "+err.Error())
			return room, false
		}
	}
	return room, true
}

// listRooms answers one page of rooms by id: ?limit= (1..api.MaxRoomPage,
// the default) after ?after=.
func (s *Server) listRooms(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	limit := api.MaxRoomPage
	if l := v.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > api.MaxRoomPage {
			writeError(w, api.CodeBadQuery, fmt.Sprintf("limit %q: want a whole number from 1 to %d", l, api.MaxRoomPage))
			return
		}
		limit = n
	}
	after := v.Get("after")
	all := s.opts.Rooms.Rooms() // sorted by id, bounded by the registry's caps
	i, _ := slices.BinarySearchFunc(all, after, func(st rooms.Status, id string) int { return strings.Compare(st.Room.ID, id) })
	if i < len(all) && all[i].Room.ID == after {
		i++
	}
	page := all[i:min(len(all), i+limit)]
	out := api.RoomList{Rooms: each(page, wireRoomStatus)}
	if i+limit < len(all) {
		out.NextAfter = page[len(page)-1].Room.ID
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getRoom(w http.ResponseWriter, r *http.Request) {
	st, ok := s.opts.Rooms.Room(r.PathValue("room"))
	if !ok {
		writeError(w, api.CodeUnknownRoom, fmt.Sprintf("room %q has not been seen", r.PathValue("room")))
		return
	}
	out := wireRoomStatus(st)
	out.Reports = s.roomReports(st.Room.ID) // reports.go
	writeJSON(w, http.StatusOK, out)
}
