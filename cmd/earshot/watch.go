package main

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter"
)

// newWatchCmd prints what an anchor's overlay would show, as it arrives:
// the simplest NATS subscriber, and the one the demo uses.
func newWatchCmd() *cobra.Command {
	var room, creds string
	var flags *natsClient
	cmd := &cobra.Command{
		Use:   "watch --room R",
		Short: "Print a room's reminders and escalations as the anchor receives them (NATS subscriber)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := alerter.ValidRoomID(room); err != nil {
				return err
			}
			url := flags.url
			opts := flags.options(nats.Name("earshot-watch"))
			if creds != "" {
				opts = append(opts, nats.UserCredentials(creds))
			}
			nc, err := nats.Connect(url, opts...)
			if errors.Is(err, nats.ErrAuthorization) && creds == "" {
				return fmt.Errorf("watch: %s wants credentials: `earshot creds --data DIR --room %s --out anchor.creds`, then --nats-creds anchor.creds: %w", url, room, err)
			}
			if err != nil {
				return fmt.Errorf("watch: connecting to %s: %w", url, err)
			}
			defer nc.Close()
			start := time.Now()
			out := cmd.OutOrStdout()
			sub, err := nc.Subscribe(alerter.ReminderSubject(room), func(m *nats.Msg) {
				r, err := alerter.DecodeReminder(m.Data)
				if err != nil {
					fmt.Fprintf(out, "bad reminder on %s: %v\n", m.Subject, err)
					return
				}
				fmt.Fprintf(out, "+%6.2fs  [%s/%s] %s  (rule %s, stream %s, #%d)\n",
					time.Since(start).Seconds(), strings.Join(r.Categories(), "+"), r.Severity, r.Text, r.RuleID, clock(r.StartMs), r.Repeat)
			})
			if err != nil {
				return fmt.Errorf("watch: %w", err)
			}
			defer sub.Unsubscribe()
			// Escalations show on the overlay too (anchor creds may read
			// their room's).
			esc, err := nc.Subscribe(alerter.EscalationSubject(room), func(m *nats.Msg) {
				e, err := alerter.DecodeEscalation(m.Data)
				if err != nil {
					fmt.Fprintf(out, "bad escalation on %s: %v\n", m.Subject, err)
					return
				}
				fmt.Fprintf(out, "+%6.2fs  ESCALATION %s [%s/%s] %s  (rule %s, %d reminders in %ds)\n",
					time.Since(start).Seconds(), e.Level, e.Category, e.Severity, e.Text, e.RuleID, e.Count, e.WindowSeconds)
			})
			if err != nil {
				return fmt.Errorf("watch: %w", err)
			}
			defer esc.Unsubscribe()
			if err := nc.Flush(); err != nil {
				return fmt.Errorf("watch: %w", err)
			}
			fmt.Fprintf(out, "watching %s on %s\n", alerter.ReminderSubject(room), url)
			<-cmd.Context().Done()
			return nil
		},
	}
	flags = addNATSClientFlags(cmd)
	cmd.Flags().StringVar(&room, "room", "", "room id")
	cmd.Flags().StringVar(&creds, "nats-creds", "", "the anchor's .creds file (earshot creds --room R)")
	return cmd
}
