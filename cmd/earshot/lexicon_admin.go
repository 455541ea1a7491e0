package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/version"
)

// addLexiconAdminCmds adds the lifecycle subcommands to `earshot lexicon`.
func addLexiconAdminCmds(cmd *cobra.Command) {
	cmd.AddCommand(newLexiconImportCmd(), newLexiconExportCmd(), newLexiconDiffCmd(),
		newLexiconPublishCmd(), newLexiconRollbackCmd(), newLexiconBacktestCmd())
}

func newLexiconImportCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Turn a CSV word list (phrase, category, severity, language, reminder, allow) into lexicon YAML on stdout",
		Long: `Turn a CSV word list into lexicon YAML on stdout (validated; errors name the CSV line).

Columns, in this order unless a header row names them (any order; "lang" and
"languages" read as language):
  phrase    the pattern (empty on an allow-only row)
  category  required with a phrase
  severity  required with a phrase
  language  optional: zh or en (empty: guessed from the rule's phrases)
  reminder  required with a phrase
  allow     optional: phrases separated by "|" inside which the row's phrase
            does not fire (the rule's allow list)
A header row needs phrase, category, severity and reminder; language and allow
may be left out. Rows sharing category, severity, language and reminder become
one rule with a pattern per row. A file whose header is only "allow" (or
"whitelist", "白名单") is a bare allow list: one allowed phrase per row, no rules. A row with an allow value and no phrase adds to the
lexicon-level allow list, so a 白名单 file imports as is.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			if name == "" {
				name = strings.TrimSuffix(filepath.Base(args[0]), filepath.Ext(args[0]))
			}
			out, err := version.ImportCSV(filepath.Base(args[0]), name, f)
			if err != nil {
				return err
			}
			_, err = cmd.OutOrStdout().Write(out)
			return err
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "lexicon name (default: the file's base name)")
	return cmd
}

func newLexiconExportCmd() *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "export --server URL [--token T] [--version N]",
		Short: "Print the live lexicon version (or version N) as YAML",
		Args:  cobra.NoArgs,
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, _ []string) error {
		yml, err := c.ExportLexicon(cmd.Context(), n)
		if err != nil {
			return err
		}
		_, err = cmd.OutOrStdout().Write(yml)
		return err
	})
	cmd.Flags().IntVar(&n, "version", 0, "version to export (default: the live one)")
	return cmd
}

func newLexiconDiffCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff A.yaml B.yaml",
		Short: "Show rules added, removed and changed (field by field) from A to B",
		Args:  cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := lexicon.LoadFile(args[0])
			if err != nil {
				return err
			}
			b, err := lexicon.LoadFile(args[1])
			if err != nil {
				return err
			}
			d := version.Compare(a, b)
			if format == "json" {
				return writeIndented(cmd.OutOrStdout(), d)
			}
			printDiff(cmd.OutOrStdout(), d)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or json")
	return cmd
}

func printDiff(w io.Writer, d *version.Diff) {
	if d.Empty() {
		fmt.Fprintln(w, "no differences")
		return
	}
	for _, f := range d.Fields {
		fmt.Fprintf(w, "~ lexicon %s: %q -> %q\n", f.Field, f.Old, f.New)
	}
	for _, r := range d.Added {
		fmt.Fprintf(w, "+ %s (%s)\n", r.ID, r.Category)
	}
	for _, r := range d.Removed {
		fmt.Fprintf(w, "- %s (%s)\n", r.ID, r.Category)
	}
	for _, c := range d.Changed {
		fmt.Fprintf(w, "~ %s (%s)\n", c.ID, c.Category)
		for _, f := range c.Fields {
			switch {
			case f.Old == "":
				fmt.Fprintf(w, "    %s: + %s\n", f.Field, f.New)
			case f.New == "":
				fmt.Fprintf(w, "    %s: - %s\n", f.Field, f.Old)
			default:
				fmt.Fprintf(w, "    %s: %q -> %q\n", f.Field, f.Old, f.New)
			}
		}
	}
}

func newLexiconPublishCmd() *cobra.Command {
	var message, author string
	var force bool
	var base int
	cmd := &cobra.Command{
		Use:   "publish --server URL --token T FILE",
		Short: "Validate FILE and publish it as the next lexicon version; prints the new version number",
		Args:  cobra.ExactArgs(1),
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		data, err := os.ReadFile(args[0])
		if err != nil {
			return err
		}
		if message == "" {
			message = "published " + filepath.Base(args[0])
		}
		v, err := c.Publish(cmd.Context(), api.PublishRequest{YAML: data, Message: message, Author: author, Base: base, Force: force})
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), v.Number)
		return nil
	})
	cmd.Flags().StringVarP(&message, "message", "m", "", "what changed and why")
	cmd.Flags().StringVar(&author, "author", envOr("USER", "policy"), "who publishes")
	cmd.Flags().IntVar(&base, "base", 0, "fail if the live version is no longer this one (0: last writer wins)")
	cmd.Flags().BoolVar(&force, "force", false, "publish even a version with no rules, or one dropping more than lexicon.max_drop_share of the live rules")
	return cmd
}

func newLexiconRollbackCmd() *cobra.Command {
	var message, author string
	var force bool
	cmd := &cobra.Command{
		Use:   "rollback --server URL --token T VERSION",
		Short: "Publish an old version again as the next version; prints the new version number",
		Args:  cobra.ExactArgs(1),
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		n, err := strconv.Atoi(args[0])
		if err != nil || n <= 0 {
			return fmt.Errorf("rollback: VERSION must be a positive number, got %q", args[0])
		}
		v, err := c.Rollback(cmd.Context(), api.RollbackRequest{Version: n, Message: message, Author: author, Force: force})
		if err != nil {
			return err
		}
		fmt.Fprintln(cmd.OutOrStdout(), v.Number)
		return nil
	})
	cmd.Flags().StringVarP(&message, "message", "m", "", "why (default: rollback to version N)")
	cmd.Flags().StringVar(&author, "author", envOr("USER", "policy"), "who rolls back")
	cmd.Flags().BoolVar(&force, "force", false, "roll back even to a version dropping more than lexicon.max_drop_share of the live rules")
	return cmd
}
