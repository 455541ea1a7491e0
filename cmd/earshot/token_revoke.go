package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
)

// newTokenRevokeCmd revokes HTTP tokens through a running server.
func newTokenRevokeCmd() *cobra.Command {
	var id, subject, reason string
	cmd := &cobra.Command{
		Use:   "revoke (--id ID | --subject S) --server URL --token ADMIN_TOKEN",
		Short: "Revoke an HTTP token by id, or every token of a subject issued until now",
		Long: "Stores the revocation in the NATS bucket EARSHOT_REVOCATIONS through the server's\n" +
			"admin API; every API node applies it to every request from then on. The id is the\n" +
			"one `earshot token` printed on standard error; tokens minted for a revoked subject\n" +
			"later are valid.",
		Args: cobra.NoArgs,
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, _ []string) error {
		if (id == "") == (subject == "") {
			return errors.New("token revoke: give --id or --subject")
		}
		r, err := c.Revoke(cmd.Context(), api.RevokeRequest{ID: id, Subject: subject, Reason: reason})
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "revoked %s %s at %s by %s\n", r.Kind, r.Value, r.At.UTC().Format(time.RFC3339), r.By)
		return nil
	})
	f := cmd.Flags()
	f.StringVar(&id, "id", "", "the token's id (jti)")
	f.StringVar(&subject, "subject", "", "revoke every token of this subject issued until now")
	f.StringVar(&reason, "reason", "", "why, for the revocation list")
	return cmd
}

// newTokenRevokedCmd lists the revocations.
func newTokenRevokedCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "revoked --server URL --token ADMIN_TOKEN",
		Short: "List the revoked HTTP tokens and subjects",
		Args:  cobra.NoArgs,
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, _ []string) error {
		list, err := c.Revoked(cmd.Context())
		if err != nil {
			return err
		}
		for _, r := range list {
			fmt.Fprintf(cmd.OutOrStdout(), "%s  %-7s %-30s by %s  %s\n", r.At.UTC().Format(time.RFC3339), r.Kind, r.Value, r.By, r.Reason)
		}
		return nil
	})
	return cmd
}
