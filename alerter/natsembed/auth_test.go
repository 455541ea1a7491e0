package natsembed

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// TestUnauthenticatedStoreIsAdopted: a data dir written by an earshot
// without NATS authentication (JetStream under the global account) keeps
// its streams once the server runs in operator mode.
func TestUnauthenticatedStoreIsAdopted(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	old, err := server.NewServer(&server.Options{Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: dir, NoSigs: true, NoLog: true})
	if err != nil {
		t.Fatal(err)
	}
	go old.Start()
	if !old.ReadyForConnections(10 * time.Second) {
		t.Fatal("old server not ready")
	}
	nc, err := nats.Connect("", nats.InProcessServer(old))
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "KEEP", Subjects: []string{"keep.>"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, "keep.one", []byte("alert")); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	old.Shutdown()
	old.WaitForShutdown()

	s := start(t, Config{DataDir: dir})
	accounts, err := StoreAccounts(dir)
	if err != nil || len(accounts) != 1 || accounts[0] != s.Auth().AccountKey() {
		t.Fatalf("store accounts %v (%v), want only %s", accounts, err, s.Auth().AccountKey())
	}
	snc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	defer snc.Close()
	js, _ = jetstream.New(snc)
	st, err := js.Stream(ctx, "KEEP")
	if err != nil {
		t.Fatalf("stream of the unauthenticated store lost: %v", err)
	}
	if info, _ := st.Info(ctx); info.State.Msgs != 1 {
		t.Fatalf("stream has %d messages, want 1", info.State.Msgs)
	}
}

func TestStoreOfAnotherAccountIsRefused(t *testing.T) {
	dir := t.TempDir()
	s := start(t, Config{DataDir: dir})
	nc, err := s.Connect()
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: "S", Subjects: []string{"s"}}); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	_ = s.Shutdown(ctx)
	_, err = Start(ctx, Config{DataDir: dir, Port: -1, Logger: testutil.Quiet(), Auth: authority(t)})
	if err == nil || !strings.Contains(err.Error(), "belongs to account") {
		t.Fatalf("Start with other keys: %v", err)
	}
}
