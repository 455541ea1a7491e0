package server

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/rooms"
)

// capsServer is the API over a registry with caps.
func capsServer(t *testing.T, caps rooms.Caps) *httptest.Server {
	t.Helper()
	lx, err := lexicon.Default()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := lexicon.Compile(lx, lexicon.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	reg, err := rooms.Open(ctx, pipeline.Config{Recognizer: testdouble.Silent{}, Matcher: pipeline.Static(eng), Sink: &memoryLog{}},
		rooms.Options{Logger: testutil.Quiet(), Caps: caps})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(New(tokened(Options{Rooms: reg, Alerts: &memoryLog{}, UploadDir: t.TempDir(), Logger: testutil.Quiet()})))
	t.Cleanup(func() { srv.Close(); cancel(); reg.Wait() })
	return srv
}

// TestRoomCapsAndPages: invented room ids beyond the cap are refused with
// 409 room_limit, unregistered ones with 404 when automatic rooms are off,
// and GET /v1/rooms pages by id with next_after.
func TestRoomCapsAndPages(t *testing.T) {
	srv := capsServer(t, rooms.Caps{MaxAuto: 5})
	tok := admin(t)
	post := func(room string) (int, api.ErrorResponse) {
		var v api.ErrorResponse
		code := testutil.DoJSON(t, "POST", srv.URL+"/v1/rooms/"+room+"/utterances", tok, `{"text":"hello everyone"}`, &v)
		return code, v
	}
	for i := range 5 {
		if code, v := post(fmt.Sprintf("inv-%d", i)); code != http.StatusOK {
			t.Fatalf("room %d: %d %+v", i, code, v)
		}
	}
	if code, v := post("inv-5"); code != http.StatusConflict || v.Error.Code != api.CodeRoomLimit {
		t.Fatalf("6th invented room: %d %+v, want 409 room_limit", code, v)
	}
	c := adminClient(t, srv.URL)
	all, err := c.Rooms(context.Background())
	if err != nil || len(all) != 5 {
		t.Fatalf("Rooms: %d rooms, %v", len(all), err)
	}
	var ids []string
	for after := ""; ; {
		var l api.RoomList
		if code := testutil.DoJSON(t, "GET", srv.URL+"/v1/rooms?limit=2&after="+after, tok, "", &l); code != 200 || len(l.Rooms) > 2 {
			t.Fatalf("page after %q: %d %+v", after, code, l)
		}
		for _, r := range l.Rooms {
			ids = append(ids, r.Room.ID)
		}
		if l.NextAfter == "" {
			break
		}
		after = l.NextAfter
	}
	if fmt.Sprint(ids) != "[inv-0 inv-1 inv-2 inv-3 inv-4]" {
		t.Fatalf("pages gave %v", ids)
	}
	var v api.ErrorResponse
	if code := testutil.DoJSON(t, "GET", srv.URL+"/v1/rooms?limit=1001", tok, "", &v); code != 400 || v.Error.Code != api.CodeBadQuery {
		t.Fatalf("limit beyond the page: %d %+v", code, v)
	}

	strict := capsServer(t, rooms.Caps{RefuseUnregistered: true})
	if code := testutil.DoJSON(t, "POST", strict.URL+"/v1/rooms/nobody/utterances", tok, `{"text":"hi"}`, &v); code != http.StatusNotFound || v.Error.Code != api.CodeUnknownRoom {
		t.Fatalf("unregistered room with auto_register off: %d %+v, want 404 unknown_room", code, v)
	}
}
