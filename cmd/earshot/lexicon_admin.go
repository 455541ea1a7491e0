package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/version"
)

// addLexiconAdminCmds adds the lifecycle subcommands to `earshot lexicon`.
func addLexiconAdminCmds(cmd *cobra.Command) {
	cmd.AddCommand(newLexiconImportCmd(), newLexiconExportCmd(), newLexiconDiffCmd(),
		newLexiconPublishCmd(), newLexiconRollbackCmd(), newLexiconBacktestCmd())
}

// apiFlags are the flags of commands that talk to a running server.
type apiFlags struct{ server, token string }

func (a *apiFlags) add(cmd *cobra.Command, token bool) {
	cmd.Flags().StringVar(&a.server, "server", envOr("EARSHOT_SERVER", "http://127.0.0.1:8080"), "earshot server URL")
	if token {
		cmd.Flags().StringVar(&a.token, "token", os.Getenv("EARSHOT_TOKEN"), "policy token (earshot token --role policy)")
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// call sends one request and decodes a JSON answer into out (or copies a
// non-JSON one to raw); API errors come back as Go errors with the
// server's message.
func (a *apiFlags) call(method, path, ctype string, body []byte, out any, raw io.Writer) error {
	req, err := http.NewRequest(method, strings.TrimRight(a.server, "/")+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("--server %q: %w", a.server, err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := (&http.Client{Timeout: 5 * time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("%s %s: %s (%s)", method, path, e.Error.Message, e.Error.Code)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if raw != nil {
		_, err = raw.Write(data)
		return err
	}
	return json.Unmarshal(data, out)
}

func newLexiconImportCmd() *cobra.Command {
	var name string
	cmd := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Turn a CSV word list (phrase, category, severity, language, reminder) into lexicon YAML on stdout",
		Args:  cobra.ExactArgs(1),
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
	var api apiFlags
	var n int
	cmd := &cobra.Command{
		Use:   "export --server URL [--version N]",
		Short: "Print the live lexicon version (or version N) as YAML",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			path := "/v1/lexicons/active?format=yaml"
			if n > 0 {
				path = "/v1/lexicons/" + strconv.Itoa(n) + "?format=yaml"
			}
			return api.call(http.MethodGet, path, "", nil, nil, cmd.OutOrStdout())
		},
	}
	api.add(cmd, false)
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

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newLexiconPublishCmd() *cobra.Command {
	var api apiFlags
	var message, author string
	var base int
	cmd := &cobra.Command{
		Use:   "publish --server URL --token T FILE",
		Short: "Validate FILE and publish it as the next lexicon version; prints the new version number",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			if message == "" {
				message = "published " + filepath.Base(args[0])
			}
			body, _ := json.Marshal(map[string]any{"yaml": string(data), "message": message, "author": author, "base": base})
			var v version.Summary
			if err := api.call(http.MethodPost, "/v1/lexicons", "application/json", body, &v, nil); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), v.Number)
			return nil
		},
	}
	api.add(cmd, true)
	cmd.Flags().StringVarP(&message, "message", "m", "", "what changed and why")
	cmd.Flags().StringVar(&author, "author", envOr("USER", "policy"), "who publishes")
	cmd.Flags().IntVar(&base, "base", 0, "fail if the live version is no longer this one (0: last writer wins)")
	return cmd
}

func newLexiconRollbackCmd() *cobra.Command {
	var api apiFlags
	var message, author string
	cmd := &cobra.Command{
		Use:   "rollback --server URL --token T VERSION",
		Short: "Publish an old version again as the next version; prints the new version number",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := strconv.Atoi(args[0])
			if err != nil || n <= 0 {
				return fmt.Errorf("rollback: VERSION must be a positive number, got %q", args[0])
			}
			body, _ := json.Marshal(map[string]any{"version": n, "message": message, "author": author})
			var v version.Summary
			if err := api.call(http.MethodPost, "/v1/lexicons/rollback", "application/json", body, &v, nil); err != nil {
				return err
			}
			fmt.Fprintln(cmd.OutOrStdout(), v.Number)
			return nil
		},
	}
	api.add(cmd, true)
	cmd.Flags().StringVarP(&message, "message", "m", "", "why (default: rollback to version N)")
	cmd.Flags().StringVar(&author, "author", envOr("USER", "policy"), "who rolls back")
	return cmd
}
