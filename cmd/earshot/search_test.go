package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/server"
	"github.com/earshot/earshot/transcript/store"
)

func TestSearchCommand(t *testing.T) {
	log := testutil.Quiet()
	st, err := store.Open(store.Options{Dir: t.TempDir(), Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close(context.Background())
	st.Add(store.Record{Room: "demo", Anchor: "amy", Session: "s", Utterance: 1, At: time.Now(),
		StartMs: 65500, Text: "This cream cures diabetes & more.",
		Hits: []store.RecordHit{{RuleID: "med", Category: "medical-claim"}}})
	if err := st.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Options{Transcripts: st, Logger: log, AllowAnonymous: true}))
	defer srv.Close()

	c, err := api.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var out bytes.Buffer
	f := searchFlags{format: "table", page: 1, size: 20, rooms: []string{"demo"}}
	if err := runSearch(ctx, &out, c, f, "cure"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"demo", "amy", "01:05.5", "medical-claim", "[cures] diabetes & more.", "1 found"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	f.format = "json"
	if err := runSearch(ctx, &out, c, f, "cure"); err != nil || !strings.Contains(out.String(), `"took_ms"`) {
		t.Errorf("json: %v %s", err, out.String())
	}
	f.format, f.size = "table", 500
	if err := runSearch(ctx, &out, c, f, "cure"); err == nil || !strings.Contains(err.Error(), "size") {
		t.Errorf("a 400 must come back as the server's message, got %v", err)
	}
}
