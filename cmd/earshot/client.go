package main

import (
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
)

// clientTimeout bounds one API call of the CLI: a backtest over a month of
// transcripts takes minutes.
const clientTimeout = 5 * time.Minute

// serverFlags are --server and --token, which every command that talks to
// a running server takes.
type serverFlags struct{ server, token string }

// withServer adds --server and --token to cmd and sets its RunE to run with
// a client of that server. A 401 for a request without a token becomes one
// line naming the missing token.
func withServer(cmd *cobra.Command, run func(cmd *cobra.Command, c *api.Client, args []string) error) {
	f := &serverFlags{}
	fl := cmd.Flags()
	fl.StringVar(&f.server, "server", envOr("EARSHOT_SERVER", "http://127.0.0.1:8080"), "earshot server URL (or EARSHOT_SERVER)")
	fl.StringVar(&f.token, "token", "", "API token, from earshot token --role compliance|policy (default: EARSHOT_TOKEN)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		c, err := f.client()
		if err != nil {
			return err
		}
		return explain(run(cmd, c, args), c.HasToken())
	}
}

func (f *serverFlags) client() (*api.Client, error) {
	tok := f.token
	if tok == "" {
		tok = os.Getenv("EARSHOT_TOKEN")
	}
	c, err := api.New(f.server, api.WithToken(tok), api.WithTimeout(clientTimeout))
	if err != nil {
		return nil, fmt.Errorf("--server: %w", err)
	}
	return c, nil
}

// explain names the missing token when the server wanted one.
func explain(err error, hasToken bool) error {
	var e *api.Error
	if errors.As(err, &e) && e.Status == http.StatusUnauthorized && !hasToken {
		return fmt.Errorf("%d %s: %s %s needs a token (--token or EARSHOT_TOKEN)", e.Status, e.Code, e.Method, e.Path)
	}
	return err
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// parseTimeFlag reads an optional RFC 3339 time flag.
func parseTimeFlag(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("--%s %q: want an RFC 3339 time like 2026-03-10T12:00:00Z", name, v)
	}
	return t, nil
}
