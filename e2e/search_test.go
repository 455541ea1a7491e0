package e2e

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/rooms"
)

// searchUntil polls the search API until it finds something: the store
// indexes in batches, a fraction of a second behind the pipeline.
func searchUntil(t *testing.T, base string, params url.Values, limit time.Duration) api.SearchResponse {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		var res api.SearchResponse
		if code := getJSON(t, base+"/v1/transcripts?"+params.Encode(), &res); code != http.StatusOK {
			t.Fatalf("search %v: status %d", params, code)
		}
		if res.Total > 0 || time.Now().After(deadline) {
			return res
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestSearchFindsPostedUtterances: text from a platform's ASR goes through
// the service's pipeline into the store; staff find it by phrase, by pinyin
// and by category, highlighted, and open the room's timeline around it.
func TestSearchFindsPostedUtterances(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	base := "http://" + svc.HTTPAddr()
	body, _ := json.Marshal([]map[string]any{
		{"text": "Welcome back everyone to the live room.", "start_ms": 0, "end_ms": 2000},
		{"text": "This cream cures diabetes, trust me.", "start_ms": 2500, "end_ms": 5000},
		{"text": "加我威信，私聊给你优惠", "start_ms": 6000, "end_ms": 8000},
	})
	resp := post(t, base+"/v1/rooms/shop-7/utterances?anchor=lily", "application/json", body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("posting utterances: %s", resp.Status)
	}
	res := searchUntil(t, base, url.Values{"q": {`"cures diabetes"`}}, 10*time.Second)
	if res.Total != 1 || res.Hits[0].Room != "shop-7" || res.Hits[0].Anchor != "lily" || res.Hits[0].StartMs != 2500 {
		t.Fatalf("phrase search: %+v", res)
	}
	if frag := strings.Join(res.Hits[0].Highlights["text"], ""); !strings.Contains(frag, "<mark>cures diabetes</mark>") {
		t.Errorf("highlight %q", frag)
	}
	if len(res.Hits[0].Hits) == 0 {
		t.Errorf("the medical-claim hit is not stored with the utterance: %+v", res.Hits[0])
	}
	py := searchUntil(t, base, url.Values{"q": {"weixin"}, "room": {"shop-7"}}, 5*time.Second)
	if py.Total != 1 || !strings.Contains(strings.Join(py.Hits[0].Highlights["text"], ""), "<mark>威信</mark>") {
		t.Errorf("pinyin search: %+v", py)
	}
	cat := searchUntil(t, base, url.Values{"category": {"private-goods"}}, 5*time.Second)
	if cat.Total != 1 || len(cat.Facets["category"]) == 0 {
		t.Errorf("category filter: %+v", cat)
	}
	var tl struct {
		Records []struct{ Text string } `json:"records"`
	}
	at := res.Hits[0].At.Format(time.RFC3339Nano)
	if code := getJSON(t, base+"/v1/rooms/shop-7/timeline?at="+url.QueryEscape(at)+"&before=1m&after=1m", &tl); code != 200 || len(tl.Records) != 3 {
		t.Errorf("timeline: %d %+v", code, tl)
	}
	var bad map[string]any
	if code := getJSON(t, base+"/v1/transcripts?q="+url.QueryEscape(`"unclosed`), &bad); code != http.StatusBadRequest {
		t.Errorf("malformed query: status %d %v", code, bad)
	}
}

// TestSearchFindsSpokenPhrase: a synthesized broadcast goes through
// PocketSphinx; its final utterances are searchable with highlights.
func TestSearchFindsSpokenPhrase(t *testing.T) {
	if testing.Short() {
		t.Skip("speech end-to-end test")
	}
	svc := startService(t, nil)
	base := "http://" + svc.HTTPAddr()
	wav := synth(t, tts.FliteSLT, "It is the best cream in the world.", "Thank you all for watching.")
	if resp := postFile(t, base+"/v1/rooms/spoken/audio?pace=fast&anchor=amy", wav); resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %s", resp.Status)
	}
	if st := waitEnded(t, base, "spoken", 2*time.Minute); st["state"] != string(rooms.StateEnded) {
		t.Fatalf("room state %v: %v", st["state"], st["last_error"])
	}
	res := searchUntil(t, base, url.Values{"q": {"cream"}, "room": {"spoken"}}, 10*time.Second)
	if res.Total == 0 {
		all := searchUntil(t, base, url.Values{"room": {"spoken"}}, time.Second)
		t.Fatalf("\"cream\" not found; stored: %+v", all.Hits)
	}
	if frag := strings.Join(res.Hits[0].Highlights["text"], ""); !strings.Contains(frag, "<mark>cream</mark>") {
		t.Errorf("highlight %q", frag)
	}
	if res.Hits[0].Anchor != "amy" {
		t.Errorf("anchor %q", res.Hits[0].Anchor)
	}
}
