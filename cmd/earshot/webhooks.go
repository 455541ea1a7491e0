package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/api"
)

// newWebhooksCmd manages webhook endpoints through a running server's
// HTTP API (an admin token).
func newWebhooksCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "webhooks",
		Short: "Add, list and remove webhook endpoints, and see and resend their deliveries (an admin token)",
	}
	cmd.AddCommand(newWebhooksAddCmd(), newWebhooksListCmd(), newWebhooksRmCmd(), newWebhooksDeliveriesCmd(), newWebhooksRedeliverCmd())
	return cmd
}

func newWebhooksAddCmd() *cobra.Command {
	var req api.WebhookRequest
	var events string
	cmd := &cobra.Command{
		Use:   "add URL --events alert,reminder,escalation,disposition,appeal [--secret S]",
		Short: "Add an endpoint; without --secret one is generated and printed once",
		Args:  cobra.ExactArgs(1),
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		req.URL = args[0]
		for e := range strings.SplitSeq(events, ",") {
			if e = strings.TrimSpace(e); e != "" {
				req.Events = append(req.Events, e)
			}
		}
		w, err := c.CreateWebhook(cmd.Context(), req)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "webhook %s: %s gets %s\n", w.ID, w.URL, strings.Join(w.Events, ", "))
		if w.Secret != "" {
			fmt.Fprintf(cmd.OutOrStdout(), "secret (shown once; verify Earshot-Signature with it): %s\n", w.Secret)
		}
		return nil
	})
	f := cmd.Flags()
	f.StringVar(&events, "events", "", "comma-separated event types: "+strings.Join(api.WebhookEvents, ", "))
	f.StringVar(&req.Secret, "secret", "", "signing secret, 16 to 256 bytes (default: generated)")
	return cmd
}

func newWebhooksListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{Use: "list", Short: "List the endpoints (never their secrets)", Args: cobra.NoArgs}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, _ []string) error {
		list, err := c.Webhooks(cmd.Context())
		if err != nil {
			return err
		}
		if asJSON {
			return writeIndented(cmd.OutOrStdout(), list)
		}
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSOURCE\tEVENTS\tURL")
		for _, w := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", w.ID, w.Source, strings.Join(w.Events, ","), w.URL)
		}
		return tw.Flush()
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's JSON")
	return cmd
}

func newWebhooksRmCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "rm ID", Short: "Remove an endpoint added with the API, with its queued deliveries", Args: cobra.ExactArgs(1)}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		if err := c.DeleteWebhook(cmd.Context(), args[0]); err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "webhook %s removed\n", args[0])
		return nil
	})
	return cmd
}

func newWebhooksDeliveriesCmd() *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{Use: "deliveries ID", Short: "An endpoint's newest deliveries: status, attempts, last error", Args: cobra.ExactArgs(1)}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		list, err := c.Deliveries(cmd.Context(), args[0], limit)
		if err != nil {
			return err
		}
		if asJSON {
			return writeIndented(cmd.OutOrStdout(), list)
		}
		printDeliveries(cmd.OutOrStdout(), list)
		return nil
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's JSON")
	cmd.Flags().IntVar(&limit, "limit", 0, fmt.Sprintf("how many, newest first (1 to %d; default the server's, 50)", api.MaxDeliveryPage))
	return cmd
}

func printDeliveries(w io.Writer, list []api.Delivery) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DELIVERY\tEVENT\tSTATUS\tATTEMPTS\tLAST\tNEXT ATTEMPT\tLAST ERROR")
	for _, d := range list {
		last, next := "-", "-"
		if d.LastStatus != 0 {
			last = fmt.Sprint(d.LastStatus)
		}
		if !d.NextAttempt.IsZero() {
			next = d.NextAttempt.Local().Format(time.TimeOnly)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", d.ID, d.Event, d.Status, d.Attempts, last, next, d.LastError)
	}
	_ = tw.Flush()
}

func newWebhooksRedeliverCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "redeliver ID DELIVERY", Short: "Send a delivery again (same Earshot-Delivery id, fresh attempts)", Args: cobra.ExactArgs(2)}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		d, err := c.Redeliver(cmd.Context(), args[0], args[1])
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "delivery %s queued again (redelivery %d)\n", d.ID, d.Redeliveries)
		return nil
	})
	return cmd
}
