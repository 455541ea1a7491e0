package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
)

type searchFlags struct {
	format, from, to, sort          string
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
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		q := ""
		if len(args) == 1 {
			q = args[0]
		}
		return runSearch(cmd.Context(), cmd.OutOrStdout(), c, f, q)
	})
	fl := cmd.Flags()
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

func runSearch(ctx context.Context, w io.Writer, c *api.Client, f searchFlags, q string) error {
	if f.format != "table" && f.format != "json" {
		return fmt.Errorf("--format %q: want table or json", f.format)
	}
	sq := api.SearchQuery{Q: q, Rooms: f.rooms, Anchors: f.anchors, Merchants: f.merchants, Categories: f.cats,
		Rules: f.rules, Sort: f.sort, Page: f.page, Size: f.size}
	var err error
	if sq.From, err = parseTimeFlag("from", f.from); err != nil {
		return err
	}
	if sq.To, err = parseTimeFlag("to", f.to); err != nil {
		return err
	}
	res, err := c.SearchTranscripts(ctx, sq)
	if err != nil {
		return err
	}
	if f.format == "json" {
		return writeIndented(w, res)
	}
	return printSearchTable(w, res)
}

// markers show highlights in a terminal without HTML.
var markers = strings.NewReplacer("<mark>", "[", "</mark>", "]")

func printSearchTable(w io.Writer, res api.SearchResponse) error {
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
