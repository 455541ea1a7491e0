package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/app"
	"github.com/earshot/earshot/lexicon"
)

func newLexiconCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "lexicon", Short: "Check and test lexicon files"}
	cmd.AddCommand(newLexiconCheckCmd(), newLexiconTestCmd())
	addLexiconAdminCmds(cmd) // import, export, diff, publish, rollback, backtest (lexicon_admin.go)
	return cmd
}

func newLexiconCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Validate a lexicon file and print a summary (every error names file, rule and field)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lx, err := lexicon.LoadFile(args[0])
			if err != nil {
				return err
			}
			printSummary(cmd.OutOrStdout(), lx)
			return nil
		},
	}
}

func printSummary(w io.Writer, lx *lexicon.Lexicon) {
	type key struct{ cat, lang string }
	counts := map[key]int{}
	cats := map[string]bool{}
	patterns := 0
	for _, r := range lx.Rules {
		cats[r.Category] = true
		patterns += len(r.Patterns)
		for _, l := range r.Languages {
			counts[key{r.Category, l}]++
		}
	}
	fmt.Fprintf(w, "%s: ok: lexicon %q, %d rules, %d patterns\n", lx.File, lx.Name, len(lx.Rules), patterns)
	names := make([]string, 0, len(cats))
	for c := range cats {
		names = append(names, c)
	}
	sort.Strings(names)
	for _, c := range names {
		fmt.Fprintf(w, "  %-16s zh %3d  en %3d\n", c, counts[key{c, "zh"}], counts[key{c, "en"}])
	}
}

func newLexiconTestCmd() *cobra.Command {
	var text, format string
	var phonetic bool
	cmd := &cobra.Command{
		Use:   "test FILE --text TEXT",
		Short: "Show which rules fire on a text, and why (or why not)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(text) == "" {
				return fmt.Errorf("lexicon test: --text is required")
			}
			cfg := config.Default()
			cfg.Lexicon.File, cfg.Lexicon.Phonetic = args[0], phonetic
			eng, err := app.LoadMatcher(cfg, newLogger("error"))
			if err != nil {
				return err
			}
			ex := eng.Explain(text)
			if format == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(map[string]any{"text": text, "hits": eng.MatchText(text), "trace": ex})
			}
			printExplain(cmd.OutOrStdout(), eng.MatchText(text), ex)
			return nil
		},
	}
	cmd.Flags().StringVar(&text, "text", "", "text to test")
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	cmd.Flags().BoolVar(&phonetic, "phonetic", true, "match English on phone sequences too")
	return cmd
}

func printExplain(w io.Writer, hits []lexicon.Hit, ex []lexicon.Explanation) {
	if len(hits) == 0 {
		fmt.Fprintln(w, "no rule fires")
	}
	for _, h := range hits {
		fmt.Fprintf(w, "FIRES  %-24s %-15s %q matched %q via %s (score %.2f)\n",
			h.RuleID, h.Category, h.Pattern, h.MatchedText, h.Via, h.Score)
	}
	for _, e := range ex {
		if e.Fired {
			continue
		}
		why := e.Cancelled
		if why == "" {
			why = "another occurrence fired"
		}
		fmt.Fprintf(w, "  not  %-24s %q %q: %s\n", e.RuleID, e.Pattern, e.MatchedText, why)
	}
}
