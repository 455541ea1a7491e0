package natsink_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/alerter/natsink"
)

// An overlay subscribes to its room's reminder subject; compliance staff
// read the stored alerts back.
func Example() {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dir, _ := os.MkdirTemp("", "earshot-example-")
	defer func() { _ = os.RemoveAll(dir) }()

	// The data dir's NATS keys: the server trusts them, users are minted
	// from them (what `earshot creds` does).
	keys, err := natsauth.Open(filepath.Join(dir, "keys"), natsauth.Options{Create: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	srv, err := natsembed.Start(ctx, natsembed.Config{DataDir: dir, Port: -1, Logger: discard, Auth: keys})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = srv.Shutdown(ctx) }()

	// The overlay: the room's anchor may subscribe to its reminders only.
	anchor, err := keys.Mint(natsauth.Anchor("room-42"))
	if err != nil {
		fmt.Println(err)
		return
	}
	overlay, err := nats.Connect(srv.ClientURL(), anchor.Option())
	if err != nil {
		fmt.Println(err)
		return
	}
	defer overlay.Close()
	sub, _ := overlay.SubscribeSync(alerter.ReminderSubject("room-42"))
	_ = overlay.Flush()

	// The monitor, as the service user.
	nc, _ := srv.Connect()
	defer nc.Close()
	sink, err := natsink.New(ctx, nc, natsink.Options{Logger: discard})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer func() { _ = sink.Close() }()

	err = sink.Send(ctx, alerter.Alert{
		Room: "room-42", RuleID: "abs-001", Category: "absolute-claims",
		Severity: "high", Reminder: "Please avoid absolute claims.",
		MatchedText: "best in the world", Utterance: 3, Final: true,
	})
	if err != nil {
		fmt.Println(err)
		return
	}

	msg, err := sub.NextMsg(5 * time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	r, _ := alerter.DecodeReminder(msg.Data)
	fmt.Println(msg.Subject, r.RuleID, r.Repeat, r.Text)

	stored, _ := sink.Alerts(ctx, natsink.Query{Room: "room-42"})
	fmt.Println(len(stored), stored[0].MatchedText)
	// Output:
	// earshot.room.room-42.reminder abs-001 1 Please avoid absolute claims.
	// 1 best in the world
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))
