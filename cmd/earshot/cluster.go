package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/cluster/status"
)

// newClusterCmd groups the commands about a cluster of earshot nodes.
func newClusterCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "cluster", Short: "Inspect a cluster of earshot nodes (docs/scaling.md)"}
	cmd.AddCommand(newClusterStatusCmd(), newClusterForgetIndexCmd())
	return cmd
}

// clusterConnect connects a cluster command to NATS with creds (a .creds
// file, "" none), on the inbox prefix those creds' user reads.
func clusterConnect(flags *natsClient, creds, name string) (*nats.Conn, error) {
	opts := flags.options(nats.Name(name))
	if creds != "" {
		opts = append(opts, nats.UserCredentials(creds))
		if data, err := os.ReadFile(creds); err == nil {
			if c, err := natsauth.ParseCreds(data); err == nil && c.InboxPrefix() != "" {
				// a monitor's (or a node's) replies come on its own inbox prefix only
				opts = append(opts, nats.CustomInboxPrefix(c.InboxPrefix()))
			}
		}
	}
	return nats.Connect(flags.url, opts...)
}

func newClusterStatusCmd() *cobra.Command {
	var creds string
	var asJSON bool
	var partitions int
	var flags *natsClient
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Nodes and their roles, rooms per ingest worker, partitions per scanner, lag per consumer",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) (rerr error) {
			nc, err := clusterConnect(flags, creds, "earshot-cluster-status")
			if err != nil {
				return fmt.Errorf("cluster status: connecting to %s (monitor creds: earshot creds --role monitor): %w", flags.url, err)
			}
			defer nc.Close()
			js, err := jetstream.New(nc)
			if err != nil {
				return err
			}
			st, err := status.Gather(cmd.Context(), js, partitions)
			if err != nil && !errors.Is(err, status.ErrPartial) {
				return err
			}
			defer func() { // print what was read, then fail naming what was not
				if err != nil {
					rerr = fmt.Errorf("cluster status: could not read everything: %s", strings.Join(st.Unread, "; "))
				}
			}()
			out := cmd.OutOrStdout()
			if asJSON {
				enc := json.NewEncoder(out)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			tw := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NODE\tROLES\tHTTP\tROOMS\tPARTITIONS")
			for _, n := range st.Nodes {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%d %s\t%s\n", n.Holder, strings.Join(n.Roles, ","), n.HTTP,
					len(n.Rooms), brief(n.Rooms), strings.Join(n.Partitions, ","))
			}
			fmt.Fprintln(tw, "\nCONSUMER\tLAG\tACK PENDING\tREDELIVERED")
			for _, c := range st.Consumers {
				fmt.Fprintf(tw, "%s\t%d\t%d\t%d\n", c.Name, c.Lag, c.AckPending, c.Redelivered)
			}
			if len(st.Unowned) > 0 {
				fmt.Fprintf(tw, "\npartitions no scanner holds: %s\n", strings.Join(st.Unowned, ","))
			}
			for _, u := range st.Unread {
				fmt.Fprintf(tw, "\nNOT READ: %s\n", u)
			}
			return tw.Flush()
		},
	}
	flags = addNATSClientFlags(cmd)
	cmd.Flags().StringVar(&creds, "nats-creds", "", "monitor (or service) .creds file (earshot creds --role monitor)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().IntVar(&partitions, "partitions", 8, "cluster.partitions of the nodes")
	return cmd
}

// brief lists at most a few room ids.
func brief(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	if len(ids) > 5 {
		return "(" + strings.Join(ids[:5], ",") + ",…)"
	}
	return "(" + strings.Join(ids, ",") + ")"
}
