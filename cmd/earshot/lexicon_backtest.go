package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/lexicon/backtest"
)

func newLexiconBacktestCmd() *cobra.Command {
	var api apiFlags
	var from, to, format string
	cmd := &cobra.Command{
		Use:   "backtest --server URL --from T --to T FILE",
		Short: "Run FILE over stored transcripts and show hits gained and lost against the live version",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			body, _ := json.Marshal(map[string]any{"yaml": string(data), "from": from, "to": to})
			var rep backtest.Report
			if err := api.call(http.MethodPost, "/v1/lexicons/backtest", "application/json", body, &rep, nil); err != nil {
				return err
			}
			if format == "json" {
				return writeIndented(cmd.OutOrStdout(), rep)
			}
			printBacktest(cmd.OutOrStdout(), &rep)
			return nil
		},
	}
	api.add(cmd, true)
	cmd.Flags().StringVar(&from, "from", "", "start, RFC 3339 (default: a day before --to)")
	cmd.Flags().StringVar(&to, "to", "", "end, RFC 3339 (default: now)")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func printBacktest(w io.Writer, r *backtest.Report) {
	fmt.Fprintf(w, "%d utterances %s .. %s (%.0f utterances/s)\n", r.Utterances,
		r.From.Format("2006-01-02 15:04"), r.To.Format("2006-01-02 15:04"), r.PerSecond)
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
