package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter/natsauth"
)

// newCredsCmd mints NATS credentials from the data dir's keys.
func newCredsCmd() *cobra.Command {
	var dataDir, room, role, out, name string
	var ttl time.Duration
	var noExpiry bool
	cmd := &cobra.Command{
		Use:   "creds (--room R | --role compliance|trust|monitor|platform [--room R]|service|ingest|scan|index|api[,...])",
		Short: "Print a NATS .creds file for an anchor, compliance staff, a trust-score reader or a service",
		Long: "Mints a NATS user signed by the data dir's role key (DATA/keys/nats) and prints\n" +
			"its standard .creds file (user JWT and nkey seed) for `nats --creds F` or\n" +
			"`earshot watch --nats-creds F`. An anchor (--room R) may only subscribe to\n" +
			"earshot.room.R.reminder and expires after 24h; compliance may only read\n" +
			"earshot.alert.> and expires after 12h; a cluster node's user (--role ingest,\n" +
			"scan, index or api, several joined by commas for a node with several roles)\n" +
			"may do only what its roles need and is long-lived, like service (every\n" +
			"permission: the single process); monitor may only read what `earshot\n" +
			"cluster status` shows (claims, consumer lag) and expires after 30 days;\n" +
			"platform may only publish hypotheses on earshot.utt.<room> (with --room R:\n" +
			"that room's only), its acks on the inbox prefix _INBOX_platform (nats\n" +
			"--inbox-prefix _INBOX_platform), and expires after 30 days. See\n" +
			"docs/nats-permissions.md; revoke with `earshot creds revoke`.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			u, err := credsUser(room, role)
			if err != nil {
				return err
			}
			u.Name, u.TTL, u.NoExpiry = name, ttl, noExpiry
			keys, err := openKeys(dataDir)
			if err != nil {
				return err
			}
			c, err := keys.Mint(u)
			if err != nil {
				return err
			}
			file, err := c.File()
			if err != nil {
				return err
			}
			exp := "never"
			if !c.Expires.IsZero() {
				exp = c.Expires.UTC().Format(time.RFC3339)
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "earshot creds: %s user %s, expires %s\n", c.Role, c.Key, exp)
			if out == "" {
				_, err = cmd.OutOrStdout().Write(file)
				return err
			}
			return writePrivate(out, file)
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", defaultDataDir(), "data dir holding the NATS keys (same as serve --data)")
	f.StringVar(&room, "room", "", "the anchor's room, or the one room a platform publisher may feed")
	f.StringVar(&role, "role", "", "anchor (with --room), compliance, trust (a recommendation system reading earshot.trust.>), monitor (earshot cluster status, read-only), platform (a platform's ASR publishing on earshot.utt.<room>; with --room R only that room), service, or a cluster node's roles: ingest, scan, index, api, several joined by commas (ingest,scan)")
	f.StringVar(&out, "out", "", "write the .creds file here (mode 0600) instead of standard output")
	f.StringVar(&name, "name", "", "label of a compliance, service or cluster-node user (e.g. worker-3)")
	f.DurationVar(&ttl, "ttl", 0, "lifetime (default: anchor 24h, compliance 12h, service and cluster roles never)")
	f.BoolVar(&noExpiry, "no-expiry", false, "a service or cluster-node user that never expires")
	cmd.AddCommand(newCredsRevokeCmd(), newCredsListCmd())
	return cmd
}

func credsUser(room, role string) (natsauth.User, error) {
	switch {
	case room != "" && (role == "" || role == string(natsauth.RoleAnchor)):
		return natsauth.Anchor(room), nil
	case room != "" && (role == string(natsauth.RolePlatform) || role == string(natsauth.RolePlatformRoom)):
		return natsauth.User{Role: natsauth.RolePlatformRoom, Room: room}, nil
	case role == string(natsauth.RolePlatformRoom):
		return natsauth.User{}, errors.New("creds: --role platform-room needs --room R (or --role platform for every room)")
	case room == "" && role == "":
		return natsauth.User{}, errors.New("creds: give --room R or --role compliance|trust|monitor|service|ingest|scan|index|api (several cluster roles joined by commas)")
	case room != "":
		return natsauth.User{}, fmt.Errorf("creds: --role %q does not go with --room %q", role, room)
	case role == string(natsauth.RoleAnchor):
		return natsauth.User{}, errors.New("creds: --role anchor needs --room R")
	}
	r, err := natsauth.ParseRole(role)
	return natsauth.User{Role: r}, err
}

func openKeys(dataDir string) (*natsauth.Authority, error) {
	keys, err := natsauth.Open(natsauth.KeysDir(dataDir), natsauth.Options{})
	if errors.Is(err, natsauth.ErrNoKeys) {
		return nil, fmt.Errorf("no NATS keys in %s: `earshot serve --data %s` creates them on its first start", natsauth.KeysDir(dataDir), dataDir)
	}
	return keys, err
}

// writePrivate writes data to path with mode 0600, even over a file that
// had looser permissions.
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func newCredsRevokeCmd() *cobra.Command {
	var dataDir, room string
	var users []string
	var server *natsClient
	cmd := &cobra.Command{
		Use:   "revoke (--user U... | --room R)",
		Short: "Revoke NATS credentials by user key, or every anchor creds of a room",
		Long: "Records the revocation in DATA/keys/nats/revocations.json (a running embedded\n" +
			"server applies it at its next start) and pushes the new account JWT to the\n" +
			"server at --nats-url, which disconnects the revoked users at once.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys, err := openKeys(dataDir)
			if err != nil {
				return err
			}
			if room != "" {
				issued, err := keys.IssuedTo(room)
				if err != nil {
					return err
				}
				for _, i := range issued {
					users = append(users, i.Key)
				}
				if len(issued) == 0 {
					return fmt.Errorf("creds revoke: no creds were issued for room %q", room)
				}
			}
			token, err := keys.Revoke(users...)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", strings.Join(users, ", "))
			if err := push(cmd.Context(), keys, server, token); err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "earshot creds revoke: not pushed to %s (%v); the server applies it when it starts\n", server.url, err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dataDir, "data", defaultDataDir(), "data dir holding the NATS keys")
	f.StringSliceVar(&users, "user", nil, "user public key (U...) as `earshot creds` printed it")
	f.StringVar(&room, "room", "", "revoke every anchor creds issued for this room")
	server = addNATSClientFlags(cmd)
	return cmd
}

// push hands the account JWT to the running server as a system user.
func push(ctx context.Context, keys *natsauth.Authority, server *natsClient, token string) error {
	sys, err := keys.SystemCreds()
	if err != nil {
		return err
	}
	nc, err := nats.Connect(server.url, server.options(sys.Option(), nats.Name("earshot-creds"), nats.Timeout(3*time.Second), nats.MaxReconnects(0))...)
	if err != nil {
		return err
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return keys.Push(ctx, nc, token)
}

func newCredsListCmd() *cobra.Command {
	var dataDir string
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the NATS users minted from this data dir",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys, err := openKeys(dataDir)
			if err != nil {
				return err
			}
			issued, err := keys.Issued()
			if err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			for _, i := range issued {
				exp := "never"
				if !i.Expires.IsZero() {
					exp = i.Expires.UTC().Format(time.RFC3339)
				}
				fmt.Fprintf(out, "%s  %-10s %-20s %s  expires %s\n", i.At.UTC().Format(time.RFC3339), i.Role, i.Room, i.Key, exp)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data", defaultDataDir(), "data dir holding the NATS keys")
	return cmd
}
