package main

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
)

type searchFlags struct {
	server, format, from, to, sort  string
	rooms, anchors, merchants, cats []string
	rules                           []string
	page, size                      int
}

func newSearchCmd() *cobra.Command {
	var f searchFlags
	cmd := &cobra.Command{
		Use:   "search [QUERY]",
		Short: "Search stored transcripts of a running earshot serve",
		Long: `Search transcripts with bleve query-string syntax: words, "phrases",
fuzzy~1, field:value (room: anchor: category: rule: pinyin:), +must -not.
Latin words that spell pinyin also find Chinese: weixin finds 威信.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q := ""
			if len(args) == 1 {
				q = args[0]
			}
			return runSearch(cmd.OutOrStdout(), f, q)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", "http://127.0.0.1:8080", "earshot serve HTTP address")
	fl.StringVar(&f.format, "format", "table", "table or json")
	fl.StringArrayVar(&f.rooms, "room", nil, "only these rooms (repeatable)")
	fl.StringArrayVar(&f.anchors, "anchor", nil, "only these anchors (repeatable)")
	fl.StringArrayVar(&f.merchants, "merchant", nil, "only these merchants (repeatable)")
	fl.StringArrayVar(&f.cats, "category", nil, "only utterances with a hit of this category (repeatable)")
	fl.StringArrayVar(&f.rules, "rule", nil, "only utterances with a hit of this rule id (repeatable)")
	fl.StringVar(&f.from, "from", "", "earliest wall time, RFC 3339")
	fl.StringVar(&f.to, "to", "", "latest wall time, RFC 3339")
	fl.StringVar(&f.sort, "sort", "", "score, time or -time (default: score with a query, else -time)")
	fl.IntVar(&f.page, "page", 1, "page number, from 1")
	fl.IntVar(&f.size, "size", 20, "hits per page, at most 100")
	return cmd
}

func runSearch(w io.Writer, f searchFlags, q string) error {
	if f.format != "table" && f.format != "json" {
		return fmt.Errorf("--format %q: want table or json", f.format)
	}
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("q", q)
	set("from", f.from)
	set("to", f.to)
	set("sort", f.sort)
	v.Set("page", fmt.Sprint(f.page))
	v.Set("size", fmt.Sprint(f.size))
	for k, vals := range map[string][]string{"room": f.rooms, "anchor": f.anchors, "merchant": f.merchants,
		"category": f.cats, "rule": f.rules} {
		v[k] = vals
	}
	base := strings.TrimRight(f.server, "/")
	client := &http.Client{Timeout: 30 * time.Second}
	resp, err := client.Get(base + "/v1/transcripts?" + v.Encode())
	if err != nil {
		return fmt.Errorf("search: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("search: reading answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("search: %s (%s)", e.Error.Message, resp.Status)
		}
		return fmt.Errorf("search: %s", resp.Status)
	}
	if f.format == "json" {
		_, err := w.Write(body)
		return err
	}
	return printSearchTable(w, body)
}

// markers show highlights in a terminal without HTML.
var markers = strings.NewReplacer("<mark>", "[", "</mark>", "]")

func printSearchTable(w io.Writer, body []byte) error {
	var res api.SearchResponse
	if err := json.Unmarshal(body, &res); err != nil {
		return fmt.Errorf("search: unreadable answer: %w", err)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "AT (UTC)\tROOM\tANCHOR\tSTREAM\tCATEGORIES\tTEXT")
	for _, h := range res.Hits {
		text := h.Text
		if fr := h.Highlights["text"]; len(fr) > 0 {
			text = html.UnescapeString(markers.Replace(strings.Join(fr, " … ")))
		}
		var cats []string
		for _, c := range h.Hits {
			cats = append(cats, c.Category)
		}
		st := time.Duration(h.StartMs) * time.Millisecond
		fmt.Fprintf(tw, "%s\t%s\t%s\t%02d:%04.1f\t%s\t%s\n", h.At.UTC().Format("2006-01-02 15:04:05"), h.Room,
			h.Anchor, int(st.Minutes()), st.Seconds()-60*float64(int(st.Minutes())), strings.Join(cats, ","), text)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%d found in %.1f ms\n", res.Total, res.TookMs)
	return err
}
