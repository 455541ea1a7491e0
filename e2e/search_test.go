package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/rooms"
)

// searchUntil polls the search API until it finds something: the store
// indexes in batches, a fraction of a second behind the pipeline.
func searchUntil(t *testing.T, c *api.Client, sq api.SearchQuery, limit time.Duration) api.SearchResponse {
	t.Helper()
	ctx := context.Background()
	var res api.SearchResponse
	testutil.Eventually(t, limit, func() error {
		var err error
		if res, err = c.SearchTranscripts(ctx, sq); err == nil && res.Total == 0 {
			all, _ := c.SearchTranscripts(ctx, api.SearchQuery{Rooms: sq.Rooms})
			err = fmt.Errorf("nothing found for %+v; the store holds %d: %+v", sq, all.Total, all.Hits)
		}
		return err
	})
	return res
}

// TestSearchFindsPostedUtterances: text from a platform's ASR goes through
// the service's pipeline into the store; staff find it by phrase, by pinyin
// and by category, highlighted, and open the room's timeline around it.
func TestSearchFindsPostedUtterances(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	c := apiClient(t, svc)
	ctx := context.Background()
	_, err := c.PostUtterances(ctx, api.Room{ID: "shop-7", Anchor: "lily"},
		api.Utterance{Text: "Welcome back everyone to the live room.", StartMs: 0, EndMs: 2000},
		api.Utterance{Text: "This cream cures diabetes, trust me.", StartMs: 2500, EndMs: 5000},
		api.Utterance{Text: "加我威信，私聊给你优惠", StartMs: 6000, EndMs: 8000})
	if err != nil {
		t.Fatalf("posting utterances: %v", err)
	}
	res := searchUntil(t, c, api.SearchQuery{Q: `"cures diabetes"`}, 10*time.Second)
	if res.Total != 1 || res.Hits[0].Room != "shop-7" || res.Hits[0].Anchor != "lily" || res.Hits[0].StartMs != 2500 {
		t.Fatalf("phrase search: %+v", res)
	}
	if frag := strings.Join(res.Hits[0].Highlights["text"], ""); !strings.Contains(frag, "<mark>cures diabetes</mark>") {
		t.Errorf("highlight %q", frag)
	}
	if len(res.Hits[0].Hits) == 0 {
		t.Errorf("the medical-claim hit is not stored with the utterance: %+v", res.Hits[0])
	}
	py := searchUntil(t, c, api.SearchQuery{Q: "weixin", Rooms: []string{"shop-7"}}, 5*time.Second)
	if py.Total != 1 || !strings.Contains(strings.Join(py.Hits[0].Highlights["text"], ""), "<mark>威信</mark>") {
		t.Errorf("pinyin search: %+v", py)
	}
	cat := searchUntil(t, c, api.SearchQuery{Categories: []string{"private-goods"}}, 5*time.Second)
	if cat.Total != 1 || len(cat.Facets["category"]) == 0 {
		t.Errorf("category filter: %+v", cat)
	}
	if tl, err := c.Timeline(ctx, "shop-7", res.Hits[0].At, time.Minute, time.Minute); err != nil || len(tl.Records) != 3 {
		t.Errorf("timeline: %v %+v", err, tl)
	}
	if _, err := c.SearchTranscripts(ctx, api.SearchQuery{Q: `"unclosed`}); !api.IsCode(err, api.CodeBadQuery) || api.StatusOf(err) != 400 {
		t.Errorf("malformed query: %v, want 400 bad_query", err)
	}
}

// TestSearchFindsSpokenPhrase: a synthesized broadcast goes through
// PocketSphinx; its final utterances are searchable with highlights.
func TestSearchFindsSpokenPhrase(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	svc := startService(t, nil)
	c := apiClient(t, svc)
	wav := synth(t, tts.FliteSLT, "It is the best cream in the world.", "Thank you all for watching.")
	upload(t, c, api.Room{ID: "spoken", Anchor: "amy"}, api.PaceFast, wav)
	if st := waitEnded(t, c, "spoken", 2*time.Minute); st.State != string(rooms.StateEnded) {
		t.Fatalf("room state %s: %s", st.State, st.LastError)
	}
	res := searchUntil(t, c, api.SearchQuery{Q: "cream", Rooms: []string{"spoken"}}, 10*time.Second)
	if frag := strings.Join(res.Hits[0].Highlights["text"], ""); !strings.Contains(frag, "<mark>cream</mark>") {
		t.Errorf("highlight %q", frag)
	}
	if res.Hits[0].Anchor != "amy" {
		t.Errorf("anchor %q", res.Hits[0].Anchor)
	}
}
