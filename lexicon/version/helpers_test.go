package version

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"

	"github.com/earshot/earshot/alerter/natsembed"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// testKeys sign and verify every test's versions, as one API node would.
var testKeys = func() *Keys {
	kp, err := nkeys.CreateAccount()
	if err != nil {
		panic(err)
	}
	k, err := NewKeys(kp)
	if err != nil {
		panic(err)
	}
	return k
}()

// startNATS runs a real embedded nats-server with JetStream for one test.
func startNATS(t testing.TB) *natsembed.Server {
	t.Helper()
	return natstest.Start(t, "")
}

// natsConn is a service-user connection of its own.
func natsConn(t testing.TB, ns *natsembed.Server) *nats.Conn {
	t.Helper()
	return natstest.Service(t, ns)
}

// openStore opens a Store on its own connection.
// openStore opens the store with Options changed by tune. Its tests replace
// one-rule lexicons freely, so the drop guard is off (MaxDropShare 1)
// unless tune sets it (guard_test.go).
func openStore(t testing.TB, ns *natsembed.Server, tune ...func(*Options)) *Store {
	t.Helper()
	nc := natstest.Service(t, ns)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := Options{Logger: testutil.Quiet(), Keys: testKeys, MaxDropShare: 1}
	for _, f := range tune {
		f(&opts)
	}
	s, err := Open(ctx, js, opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// lexiconYAML builds a small valid lexicon; each rule id gets the phrase
// "<id> word".
func lexiconYAML(name string, ids ...string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "format: 1\nname: %s\nrules:\n", name)
	for _, id := range ids {
		fmt.Fprintf(&b, "  - id: %s\n    category: private-goods\n    severity: high\n    patterns: [\"%s\"]\n    reminder: stop\n",
			id, strings.ReplaceAll(id, "-", " "))
	}
	return []byte(b.String())
}
