package rooms

import (
	"os"
	"regexp"
	"slices"
	"testing"

	"github.com/earshot/earshot/ingest"
)

// TestStatesListedInDocs: docs/rooms.md lists exactly the states a room
// can be in, so API users can rely on the table.
func TestStatesListedInDocs(t *testing.T) {
	data, err := os.ReadFile("../docs/rooms.md")
	if err != nil {
		t.Fatal(err)
	}
	var documented []State
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z]+)` \\|").FindAllStringSubmatch(string(data), -1) {
		documented = append(documented, State(m[1]))
	}
	if !slices.Equal(documented, States()) {
		t.Errorf("docs/rooms.md lists states %v, want %v (in that order)", documented, States())
	}
}

// TestRestoredRoomsHaveAState: a room restored from rooms.json is never
// shown without a state, not even before its worker runs.
func TestRestoredRoomsHaveAState(t *testing.T) {
	store := t.TempDir() + "/rooms.json"
	if err := os.WriteFile(store, []byte(`{"version":1,"rooms":[{"id":"w","source":"whip"},{"id":"p","source":"http://127.0.0.1:1/x"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	release := make(chan struct{})
	held := func(rawURL, token string) (ingest.Source, error) { // holds the worker before it opens
		<-release
		return openHTTPPCM(rawURL, token)
	}
	r, _ := newTestRegistry(t, nil, Options{StorePath: store, OpenSource: held, Schemes: []string{"http"}})
	defer close(release)
	for _, st := range r.Rooms() {
		if !slices.Contains(States(), st.State) {
			t.Errorf("room %s restored in state %q", st.Room.ID, st.State)
		}
	}
	if st := state(r, "p"); st.State != StateStarting {
		t.Errorf("restored pulled room before its worker opened the source: %+v", st)
	}
	if st := state(r, "w"); st.State != StateWaiting || st.Reason == "" {
		t.Errorf("restored WHIP room: %+v", st)
	}
}
