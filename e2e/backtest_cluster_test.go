package e2e

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
)

// TestClusterBacktestOverIndexNodes: a lexicon backtest on the api node
// runs on both index nodes (each with its index-role NATS user), each over
// its own share, and counts every utterance; with one index node stopped
// the report is flagged partial, names it, and holds the other's share.
func TestClusterBacktestOverIndexNodes(t *testing.T) {
	hubDir := t.TempDir()
	hub := startService(t, func(c *config.Config) {
		c.DataDir = hubDir
		c.Lexicon.File, c.Lexicon.Phonetic = "testdata/lexicon/v1.yaml", false
		c.Recognizer.Engine = "none"
		c.Cluster.Roles = []string{"api", "ingest", "scan"}
		c.Lexicon.BacktestTimeout = config.Duration(3 * time.Second) // the wait for a stopped node
	})
	url, keys := hub.NATSURL(), hub.NATSAuth()
	var index []*app.Service
	for range 2 {
		index = append(index, startService(t, roleNode(url, roleCreds(t, keys, "index"), joinDir(t, hubDir, app.LexiconKeyFile), "index")))
	}
	c := apiClient(t, hub)
	ctx := context.Background()
	posted := postUntilShared(t, c, index, "the alpha phrase and the beta words %d")
	draft, err := os.ReadFile("testdata/lexicon/v1.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// The draft adds a rule on "beta words": every utterance gains a hit.
	draft = append(draft, []byte(`  - id: beta-rule
    category: absolute-claim
    severity: low
    patterns: ["beta words"]
    reminder: Please avoid the beta words.
`)...)
	rep, err := c.Backtest(ctx, api.BacktestRequest{YAML: draft})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Partial || len(rep.Nodes) != 2 || rep.Utterances != posted || rep.Gained != posted || rep.LiveHits != posted {
		t.Fatalf("partial %v nodes %v: %d utterances, %d live hits, %d gained: want both nodes and %d of each",
			rep.Partial, rep.Nodes, rep.Utterances, rep.LiveHits, rep.Gained, posted)
	}

	kept := int(index[0].Transcripts().Stats().Indexed)
	cctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	index[1].Close(cctx)
	cancel()
	start := time.Now()
	rep, err = c.Backtest(ctx, api.BacktestRequest{YAML: draft})
	if err != nil {
		t.Fatalf("one index node down: %v, want a partial report", err)
	}
	if !rep.Partial || len(rep.MissingNodes) != 1 || rep.Utterances != kept {
		t.Fatalf("one index node down: partial %v missing %v, %d utterances: want partial, 1 missing, %d",
			rep.Partial, rep.MissingNodes, rep.Utterances, kept)
	}
	if d := time.Since(start); d > 15*time.Second {
		t.Errorf("the partial report took %s; the deadline is 3 s", d)
	}
}
