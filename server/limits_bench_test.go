package server

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// BenchmarkUtteranceBatch posts the largest batch the default limits admit
// (256 utterances of about 1 KB, under 256 KiB) through the real registry
// and default lexicon: the most work one request may ask for. The probe's
// 4 MB batch took 20 s before the limits; it is now refused with 413.
// Run: go test -run '^$' -bench UtteranceBatch -benchtime 5x ./server/
func BenchmarkUtteranceBatch(b *testing.B) {
	srv := newTestServer(b)
	tok := admin(b)
	sentence := "this cream cures diabetes and you can add my wechat for a discount today "
	var us []string
	for i := range DefaultLimits().MaxUtterances {
		us = append(us, `{"text":"`+strings.Repeat(sentence, 14)[:950]+fmt.Sprint(i)+`"}`)
	}
	body := "[" + strings.Join(us, ",") + "]"
	if int64(len(body)) > DefaultLimits().MaxUtteranceBatch {
		b.Fatalf("batch of %d bytes is over the limit", len(body))
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		req, _ := http.NewRequest("POST", srv.URL+"/v1/rooms/bench/utterances", strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("batch: %s", resp.Status)
		}
	}
}
