package rooms

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// FuzzRoomsJSON: any rooms.json content is a room list or an error that
// names the file, never a panic; an accepted list is valid, has no
// duplicate id, and survives a save and a load unchanged.
func FuzzRoomsJSON(f *testing.F) {
	f.Add([]byte(`{"version":1,"rooms":[{"id":"r1","anchor":"anna","source":"whip"},{"id":"r2","source":"rtmp://h/live/k","token":"t"}]}`))
	f.Add([]byte(`{"version":1,"rooms":[]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`{"version":1,"rooms":[{"id":"a","source":"whip"},{"id":"a","source":"whip"}]}`))
	f.Add([]byte(`{"version":1,"rooms":[{"id":"x","source":"srt://h:9000?streamid=a","recognizer":"openai"}]}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		const path = "/data/rooms.json"
		specs, err := decodeSpecs(data, path, nil)
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		seen := map[string]bool{}
		for _, s := range specs {
			if err := s.Validate(nil); err != nil || seen[s.ID] {
				t.Fatalf("accepted %+v: %v (duplicate %v)", s, err, seen[s.ID])
			}
			seen[s.ID] = true
		}
		saved, err := json.Marshal(storedRooms{Version: storeVersion, Rooms: specs})
		if err != nil {
			t.Fatal(err)
		}
		again, err := decodeSpecs(saved, path, nil)
		if err != nil || len(again) != len(specs) || len(specs) > 0 && !reflect.DeepEqual(again, specs) {
			t.Fatalf("round trip: %v\n%+v\n%+v", err, specs, again)
		}
	})
}
