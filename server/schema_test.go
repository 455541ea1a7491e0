package server

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/rooms"
)

// TestLexiconSchema: GET /v1/lexicons/schema serves each vocabulary from
// its one list, in order (severities least severe first), with the pull
// schemes of the registry when it registers rooms and none otherwise; a
// policy or compliance token reads it, an anchor's does not.
func TestLexiconSchema(t *testing.T) {
	termIDs := func(ts []api.Term) []string {
		var out []string
		for _, x := range ts {
			if x.Label == "" || x.Description == "" {
				t.Errorf("term %+v without a label or description", x)
			}
			out = append(out, x.ID)
		}
		return out
	}
	lexIDs := func(ts []lexicon.Term) []string {
		var out []string
		for _, x := range ts {
			out = append(out, x.ID)
		}
		return out
	}
	var states []string
	for _, s := range rooms.States() {
		states = append(states, string(s))
	}
	serve := func(r Rooms) string {
		ts := httptest.NewServer(New(tokened(Options{Rooms: r, Alerts: &memoryLog{}, UploadDir: t.TempDir()})))
		t.Cleanup(ts.Close)
		return ts.URL
	}
	pulled := []string{"rtmp", "srt", "whep+https"}
	textOnly := serve(nopRooms{})
	for _, tc := range []struct {
		name    string
		url     string
		schemes []string
	}{{"registering rooms", serve(registering{schemes: pulled}), pulled}, {"text only", textOnly, []string{}}} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := adminClient(t, tc.url).LexiconSchema(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what      string
				got, want []string
			}{
				{"categories", termIDs(sc.Categories), lexIDs(lexicon.Categories())},
				{"severities", termIDs(sc.Severities), []string{"info", "low", "medium", "high", "critical"}},
				{"languages", termIDs(sc.Languages), lexIDs(lexicon.Languages())},
				{"pattern kinds", termIDs(sc.PatternKinds), []string{"phrase", "digits", "contact"}},
				{"contact kinds", termIDs(sc.ContactKinds), []string{"email", "url", "handle"}},
				{"room states", sc.RoomStates, states},
			} {
				if !slices.Equal(c.got, c.want) {
					t.Errorf("%s %v, want %v", c.what, c.got, c.want)
				}
			}
			if sc.Format != lexicon.CurrentFormat || sc.PullSchemes == nil || !slices.Equal(sc.PullSchemes, tc.schemes) {
				t.Errorf("format %d, pull schemes %v, want %v", sc.Format, sc.PullSchemes, tc.schemes)
			}
		})
	}
	for role, want := range map[api.Role]int{api.RolePolicy: http.StatusOK, api.RoleCompliance: http.StatusOK,
		api.RoleAnchor: http.StatusForbidden, api.RoleIngest: http.StatusForbidden} {
		tok := authtest.Token(t, handlerKey(), role, map[bool]string{true: "r1"}[role == api.RoleAnchor])
		if _, err := apiClient(t, textOnly, api.WithToken(tok)).LexiconSchema(context.Background()); api.StatusOf(err) != want && !(want == http.StatusOK && err == nil) {
			t.Errorf("%s token: %v, want %d", role, err, want)
		}
	}
}

// registering is a registry that takes registrations of schemes (as
// *rooms.Registry does with ingest/pull's RemoteSchemes).
type registering struct {
	nopRooms
	schemes []string
}

func (registering) Add(rooms.Spec) (rooms.Status, error) { return rooms.Status{}, nil }
func (registering) Remove(context.Context, string) error { return nil }
func (r registering) Schemes() []string                  { return r.schemes }
