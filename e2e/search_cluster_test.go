package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// TestSearchOverIndexNodes: with two index nodes sharing the utterance
// stream's finals, each keeps its share in its own store, and a search on
// the api node finds every utterance (total, pages, facets merged); with
// one index node stopped the answer is flagged partial, naming it, and
// holds the other node's share.
func TestSearchOverIndexNodes(t *testing.T) {
	hubDir := t.TempDir()
	hub := startService(t, func(c *config.Config) {
		c.DataDir = hubDir
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
		c.Recognizer.Engine = "none"
		c.Cluster.Roles = []string{"api", "ingest", "scan"}
		c.Transcripts.Search.Timeout = config.Duration(time.Second) // the fan-out waits a second more
	})
	url, keys := hub.NATSURL(), hub.NATSAuth()
	var index []*app.Service
	for i := range 2 {
		dir := joinDir(t, hubDir, app.LexiconKeyFile)
		creds := natstest.CredsFile(t, keys, natsauth.User{Role: natsauth.RoleService, Name: fmt.Sprint("index-", i)})
		index = append(index, startService(t, func(c *config.Config) {
			c.DataDir = dir
			c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
			c.Recognizer.Engine = "none"
			c.Cluster.Roles = []string{"index"}
			c.NATS.URL, c.NATS.CredsFile = url, creds
		}))
	}
	c := apiClient(t, hub)
	ctx := context.Background()
	posted := postUntilShared(t, c, index, "searchable words number %d")
	var res api.SearchResponse
	var err error
	testutil.WaitFor(t, 10*time.Second, "every posted utterance found", func() bool {
		res, err = c.SearchTranscripts(ctx, api.SearchQuery{Q: "searchable", Size: 100})
		return err == nil && int(res.Total) == posted
	})
	if res.Partial || len(res.Hits) != min(posted, 100) {
		t.Fatalf("partial %v, %d hits of %d", res.Partial, len(res.Hits), posted)
	}
	rooms := 0
	for _, f := range res.Facets["room"] {
		rooms += f.Count
	}
	if rooms != posted {
		t.Errorf("room facet counts add up to %d, want %d", rooms, posted)
	}

	kept := int(index[0].Transcripts().Stats().Indexed)
	ctxClose, cancel := context.WithTimeout(ctx, 30*time.Second)
	index[1].Close(ctxClose)
	cancel()
	res, err = c.SearchTranscripts(ctx, api.SearchQuery{Q: "searchable", Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Partial || len(res.MissingNodes) != 1 || int(res.Total) != kept {
		t.Fatalf("one index node down: partial %v missing %v total %d, want partial, 1 missing, total %d",
			res.Partial, res.MissingNodes, res.Total, kept)
	}
}
