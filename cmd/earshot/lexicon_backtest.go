package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
)

func newLexiconBacktestCmd() *cobra.Command {
	var from, to, format string
	cmd := &cobra.Command{
		Use:   "backtest --server URL --from T --to T FILE",
		Short: "Run FILE over stored transcripts and show hits gained and lost against the live version",
		Args:  cobra.ExactArgs(1),
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		if format != "text" && format != "json" {
			return fmt.Errorf("--format %q: want text or json", format)
		}
		data, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		req := api.BacktestRequest{YAML: data}
		if req.From, err = parseTimeFlag("from", from); err != nil {
			return err
		}
		if req.To, err = parseTimeFlag("to", to); err != nil {
			return err
		}
		rep, err := c.Backtest(cmd.Context(), req)
		if err != nil {
			return err
		}
		if format == "json" {
			return writeIndented(cmd.OutOrStdout(), rep)
		}
		printBacktest(cmd.OutOrStdout(), &rep)
		return nil
	})
	cmd.Flags().StringVar(&from, "from", "", "start, RFC 3339 (default: a day before --to)")
	cmd.Flags().StringVar(&to, "to", "", "end, RFC 3339 (default: now)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func printBacktest(w io.Writer, r *api.BacktestReport) {
	fmt.Fprintf(w, "%d utterances %s .. %s (%.0f utterances/s)\n", r.Utterances,
		r.From.Format("2006-01-02 15:04"), r.To.Format("2006-01-02 15:04"), r.PerSecond)
	if r.Partial {
		fmt.Fprintf(w, "PARTIAL: index node(s) %s did not answer in time; their transcripts are not counted (%d node(s) answered)\n",
			strings.Join(r.MissingNodes, ", "), len(r.Nodes))
	}
	fmt.Fprintf(w, "hits: live %d, draft %d: +%d gained, -%d lost, %d kept\n", r.LiveHits, r.DraftHits, r.Gained, r.Lost, r.Kept)
	for _, c := range r.Categories {
		fmt.Fprintf(w, "  %-16s live %5d  draft %5d  +%-5d -%d\n", c.Category, c.Live, c.Draft, c.Gained, c.Lost)
	}
	for _, rd := range r.Rules {
		if rd.Gained+rd.Lost == 0 {
			continue
		}
		fmt.Fprintf(w, "%-28s %-16s +%-4d -%d\n", rd.RuleID, rd.Category, rd.Gained, rd.Lost)
		for _, e := range rd.Examples {
			sign := "+"
			if e.Change == "lost" {
				sign = "-"
			}
			fmt.Fprintf(w, "    %s %s %q (%s)\n", sign, e.RecordID, e.Text, e.MatchedText)
		}
	}
	if d := r.Dispositions; d != nil {
		fmt.Fprintf(w, "reviewed alerts: %d confirmed would be lost, %d dismissed would still be raised\n",
			d.ConfirmedLost, d.DismissedRaised)
	}
}
