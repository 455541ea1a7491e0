package main

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
)

// newRoomsCmd manages registered rooms through a running server's HTTP API.
func newRoomsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rooms",
		Short: "Register, list and remove monitored rooms on a running server",
	}
	cmd.AddCommand(newRoomsAddCmd(), newRoomsListCmd(), newRoomsRmCmd())
	return cmd
}

func newRoomsAddCmd() *cobra.Command {
	var spec api.RoomSpec
	cmd := &cobra.Command{
		Use:   "add ID --source URL|whip [--anchor A] [--merchant M]",
		Short: "Register a room: a pulled URL (rtmp://, srt://, https://…m3u8) or whip",
		Args:  cobra.ExactArgs(1),
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		spec.ID = args[0]
		if err := alerter.ValidRoomID(spec.ID); err != nil {
			return err // the rest is the server's to judge: it knows its schemes
		}
		st, err := c.AddRoom(cmd.Context(), spec)
		if err != nil {
			return err
		}
		fmt.Fprintf(cmd.OutOrStdout(), "room %s registered (%s): %s\n", st.Room.ID, st.RegisteredSource, st.State)
		return nil
	})
	f := cmd.Flags()
	f.StringVar(&spec.Source, "source", "", `"whip" or a URL to pull`)
	f.StringVar(&spec.Anchor, "anchor", "", "anchor id put on the room's alerts")
	f.StringVar(&spec.Merchant, "merchant", "", "merchant id put on the room's alerts")
	f.StringVar(&spec.Token, "source-token", "", "bearer token for the pulled source (e.g. WHEP)")
	f.StringVar(&spec.Recognizer, "recognizer", "", "ASR engine for this room (one the server is configured for); default: the server's")
	return cmd
}

func newRoomsListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List rooms: state, source, audio heard, reconnects, alerts",
		Args:  cobra.NoArgs,
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, _ []string) error {
		list, err := c.Rooms(cmd.Context())
		if err != nil {
			return err
		}
		if asJSON {
			return writeIndented(cmd.OutOrStdout(), list)
		}
		printRooms(cmd.OutOrStdout(), list)
		return nil
	})
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's JSON")
	return cmd
}

func printRooms(w io.Writer, list []api.RoomStatus) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ROOM\tSTATE\tSOURCE\tHEARD\tDROPPED\tRECONNECTS\tALERTS\tREASON / LAST ERROR")
	for _, st := range list {
		src := st.RegisteredSource
		if src == "" {
			src = st.Source
		}
		why := st.Reason
		if why == "" {
			why = st.LastError
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.1fs\t%d\t%d\t%d\t%s\n", st.Room.ID, st.State, src,
			st.Total.HeardSeconds, st.Total.Dropped, st.Reconnects, st.Total.Alerts, why)
	}
	tw.Flush()
}

func newRoomsRmCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "rm ID",
		Short: "Stop and forget a room (its last alerts are flushed first)",
		Args:  cobra.ExactArgs(1),
	}
	withServer(cmd, func(cmd *cobra.Command, c *api.Client, args []string) error {
		_, flushing, err := c.RemoveRoom(cmd.Context(), args[0])
		if err != nil {
			return err
		}
		if flushing {
			fmt.Fprintf(cmd.OutOrStdout(), "room %s removed; its last alerts are still being flushed\n", args[0])
			return nil
		}
		fmt.Fprintf(cmd.OutOrStdout(), "room %s removed\n", args[0])
		return nil
	})
	return cmd
}

func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
