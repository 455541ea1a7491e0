package main

import (
	"context"
	"fmt"
	"os"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/cluster/search"
)

// newClusterForgetIndexCmd removes a decommissioned index node's
// registration, so searches stop answering `partial` for it before the
// registration lapses by itself (24 h).
func newClusterForgetIndexCmd() *cobra.Command {
	var creds string
	var flags *natsClient
	cmd := &cobra.Command{
		Use:   "forget-index NODE",
		Short: "Forget a decommissioned index node: searches stop waiting for it (and reporting it missing)",
		Long: "Forget a decommissioned index node (its id is in `earshot cluster status`, a search's\n" +
			"missing_nodes, or DATA/transcripts/index-node-id). Searches then stop answering `partial` for it.\n" +
			"A node that renewed its registration within the last two minutes is refused: it is running and\n" +
			"would register again; stop it first. Its transcripts are not searched any more: forget a node only\n" +
			"when its data is gone or has moved to another index node. Needs service or index creds.",
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := mayForgetIndex(creds); err != nil {
				return err
			}
			nc, err := clusterConnect(flags, creds, "earshot-cluster-forget-index")
			if err != nil {
				return fmt.Errorf("cluster forget-index: connecting to %s: %w", flags.url, err)
			}
			defer nc.Close()
			js, err := jetstream.New(nc)
			if err != nil {
				return err
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 30*time.Second)
			defer cancel()
			if err := search.Forget(ctx, js, args[0], time.Now()); err != nil {
				return fmt.Errorf("cluster forget-index: %w", err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "forgot index node %s: searches no longer wait for it\n", args[0])
			return nil
		},
	}
	flags = addNATSClientFlags(cmd)
	cmd.Flags().StringVar(&creds, "nats-creds", "", "service or index .creds file (earshot creds --role index)")
	return cmd
}

// mayForgetIndex refuses creds whose role cannot write the index nodes'
// bucket, before connecting: the server would refuse the request as a
// permissions violation, which a client only sees as a timeout.
func mayForgetIndex(creds string) error {
	if creds == "" {
		return nil // a server without authentication
	}
	data, err := os.ReadFile(creds)
	if err != nil {
		return fmt.Errorf("cluster forget-index: --nats-creds: %w", err)
	}
	c, err := natsauth.ParseCreds(data)
	if err != nil {
		return fmt.Errorf("cluster forget-index: --nats-creds %s: %w", creds, err)
	}
	if slices.Contains(c.Role.Stages(), natsauth.RoleIndex) {
		return nil
	}
	return fmt.Errorf("cluster forget-index: --nats-creds %s are %s creds; forgetting an index node needs service or index creds (earshot creds --role index)", creds, c.Role)
}
