package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/rooms"
)

// newRoomsCmd manages registered rooms through a running server's HTTP API.
func newRoomsCmd() *cobra.Command {
	var server string
	cmd := &cobra.Command{
		Use:   "rooms",
		Short: "Register, list and remove monitored rooms on a running server",
	}
	cmd.PersistentFlags().StringVar(&server, "server", "http://127.0.0.1:8080", "earshot HTTP API base URL")
	cmd.AddCommand(newRoomsAddCmd(&server), newRoomsListCmd(&server), newRoomsRmCmd(&server))
	return cmd
}

func newRoomsAddCmd(server *string) *cobra.Command {
	var spec rooms.Spec
	cmd := &cobra.Command{
		Use:   "add ID --source URL|whip [--anchor A] [--merchant M]",
		Short: "Register a room: a pulled URL (rtmp://, srt://, https://…m3u8) or whip",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec.ID = args[0]
			if err := alerter.ValidRoomID(spec.ID); err != nil {
				return err // the rest is the server's to judge: it knows its schemes
			}
			body, _ := json.Marshal(spec)
			var st rooms.Status
			if err := callAPI(cmd.Context(), http.MethodPost, *server, "/v1/rooms", body, &st); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "room %s registered (%s): %s\n", st.Room.ID, st.RegisteredSource, st.State)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&spec.Source, "source", "", `"whip" or a URL to pull`)
	f.StringVar(&spec.Anchor, "anchor", "", "anchor id put on the room's alerts")
	f.StringVar(&spec.Merchant, "merchant", "", "merchant id put on the room's alerts")
	f.StringVar(&spec.Token, "token", "", "bearer token for the pulled source (e.g. WHEP)")
	f.StringVar(&spec.Recognizer, "recognizer", "", "ASR engine for this room (one the server is configured for); default: the server's")
	return cmd
}

func newRoomsListCmd(server *string) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List rooms: state, source, audio heard, reconnects, alerts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var out struct {
				Rooms []rooms.Status `json:"rooms"`
			}
			if err := callAPI(cmd.Context(), http.MethodGet, *server, "/v1/rooms", nil, &out); err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(out.Rooms)
			}
			printRooms(cmd.OutOrStdout(), out.Rooms)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the API's JSON")
	return cmd
}

func printRooms(w io.Writer, list []rooms.Status) {
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

func newRoomsRmCmd(server *string) *cobra.Command {
	return &cobra.Command{
		Use:   "rm ID",
		Short: "Stop and forget a room (its last alerts are flushed first)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := callAPI(cmd.Context(), http.MethodDelete, *server, "/v1/rooms/"+url.PathEscape(args[0]), nil, nil); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "room %s removed\n", args[0])
			return nil
		},
	}
}

// callAPI sends body (JSON, may be nil) and decodes a 2xx answer into out;
// an error answer becomes an error carrying the server's message.
func callAPI(ctx context.Context, method, base, path string, body []byte, out any) error {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--server %q: want http://host:port", base)
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(base, "/")+path, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("rooms: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("rooms: %s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return fmt.Errorf("rooms: reading answer: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if json.Unmarshal(data, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("server: %s (%s, HTTP %d)", e.Error.Message, e.Error.Code, resp.StatusCode)
		}
		return fmt.Errorf("server: HTTP %d", resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("rooms: answer is not JSON: %w", err)
	}
	return nil
}
