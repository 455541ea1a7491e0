package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
)

func newTokenCmd() *cobra.Command {
	var dataDir, room, role, subject, viewer string
	var ttl time.Duration
	cmd := &cobra.Command{
		Use:   "token (--room R | --role admin|policy|compliance|ingest|metrics | --role viewer --viewer ID) [--subject S] [--ttl D]",
		Short: "Print an HTTP bearer token signed with the data dir's key",
		Long: "Prints a JWT for `Authorization: Bearer` on one line. A room token (--room R) lets an\n" +
			"anchor publish over WHIP and open the room's overlay, for 24h; a role token opens\n" +
			"that role's routes (README, HTTP API) for 12h: ingest for platform services that\n" +
			"register rooms and post audio and transcripts, compliance for alerts, evidence and\n" +
			"transcripts, policy for the lexicon, metrics for /metrics, admin for everything.\n" +
			"A viewer token (--role viewer --viewer ID) lets one viewer report moments of rooms\n" +
			"and vote in polls, for 24h (platforms can also sign viewer tokens themselves:\n" +
			"docs/reports.md).\n" +
			"--subject names the holder (audit entries and dispositions carry it; default: the\n" +
			"role, or anchor:ROOM). The key is DATA/keys/http/signing.key, created by the first\n" +
			"`earshot serve`.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			req, err := tokenRequest(room, role, viewer)
			if err != nil {
				return err
			}
			req.Subject, req.TTL = subject, ttl
			keys, err := openHTTPKeys(dataDir)
			if err != nil {
				return err
			}
			tok, c, err := keys.Signer.Mint(req)
			if errors.Is(err, auth.ErrNoSigner) {
				return fmt.Errorf("token: %s holds no signing key: mint on a node that has it", keys.Dir())
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "earshot token: %s %q, id %s, expires %s\n", c.Role, c.Subject, c.ID, c.Expires().UTC().Format(time.RFC3339))
			fmt.Fprintln(cmd.OutOrStdout(), tok)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", defaultDataDir(), "data dir holding the signing key (same as serve --data)")
	f.StringVar(&room, "room", "", "room of an anchor token")
	f.StringVar(&role, "role", "", "anchor (with --room), viewer (with --viewer), ingest, compliance, policy, metrics or admin")
	f.StringVar(&viewer, "viewer", "", "viewer id of a viewer token (with --role viewer)")
	f.StringVar(&subject, "subject", "", "who holds the token, e.g. li.na@platform (default: the role, or anchor:ROOM)")
	f.DurationVar(&ttl, "ttl", 0, "lifetime (default: room tokens 24h, others 12h)")
	cmd.AddCommand(newTokenRevokeCmd(), newTokenRevokedCmd())
	return cmd
}

func tokenRequest(room, role, viewer string) (auth.Request, error) {
	switch {
	case role == string(api.RoleViewer) && room == "":
		if err := api.ValidViewerID(viewer); err != nil {
			return auth.Request{}, fmt.Errorf("token: --role viewer needs --viewer ID: %w", err)
		}
		return auth.Request{Role: api.RoleViewer, Viewer: viewer}, nil
	case viewer != "":
		return auth.Request{}, errors.New("token: --viewer goes with --role viewer only")
	case room != "" && (role == "" || role == string(api.RoleAnchor)):
		return auth.Request{Role: api.RoleAnchor, Room: room}, nil
	case room == "" && role == "":
		return auth.Request{}, errors.New("token: give --room R or --role admin|policy|compliance|ingest|metrics")
	case room != "":
		return auth.Request{}, fmt.Errorf("token: --role %q does not go with --room %q", role, room)
	case role == string(api.RoleAnchor):
		return auth.Request{}, errors.New("token: --role anchor needs --room R")
	}
	r, err := api.ParseRole(role)
	if err != nil {
		return auth.Request{}, fmt.Errorf("token: %w", err)
	}
	return auth.Request{Role: r}, nil
}

func openHTTPKeys(dataDir string) (*auth.Keys, error) {
	keys, err := auth.Open(auth.KeysDir(dataDir), auth.OpenOptions{})
	if errors.Is(err, auth.ErrNoKeys) {
		return nil, fmt.Errorf("no HTTP token keys in %s: `earshot serve --data %s` creates them on its first start", auth.KeysDir(dataDir), dataDir)
	}
	return keys, err
}
