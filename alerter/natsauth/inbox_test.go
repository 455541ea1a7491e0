package natsauth_test

import (
	"testing"
	"time"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/internal/natstest"
)

// TestNodeRepliesPrivate: a cluster node's replies come on its own inbox
// (natsauth.NodeInboxTemplate, expanded by the server with the user's
// key): its requests are answered there, and another node may subscribe
// neither to that inbox nor to _INBOX.>, where every reply used to pass.
func TestNodeRepliesPrivate(t *testing.T) {
	srv := natstest.Start(t, "")
	apiCreds := natstest.Mint(t, srv.Auth(), natsauth.User{Role: natsauth.RoleAPI})
	api, err := natstest.Dial(srv.ClientURL(), apiCreds)
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	if want := "_INBOX_" + apiCreds.Key; apiCreds.InboxPrefix() != want {
		t.Fatalf("InboxPrefix = %q, want %q", apiCreds.InboxPrefix(), want)
	}
	// A request of every node's (the start-up's JetStream account info)
	// is answered on the node's own inbox.
	if _, err := api.Request("$JS.API.INFO", nil, 5*time.Second); err != nil {
		t.Fatalf("api node's request: %v", err)
	}
	var v violations
	ingest := natstest.Connect(t, srv.ClientURL(), srv.Auth(), natsauth.User{Role: natsauth.RoleIngest}, v.handler())
	if _, err := ingest.Request("$JS.API.INFO", nil, 5*time.Second); err != nil {
		t.Fatalf("ingest node's request: %v", err)
	}
	for _, subj := range []string{"_INBOX.>", apiCreds.InboxPrefix() + ".>", "_INBOX_monitor.>"} {
		if _, err := ingest.SubscribeSync(subj); err != nil {
			t.Fatal(err)
		}
		v.waitFor(t, ingest, "Subscription", subj)
	}
	// The service user keeps the default prefix, and may read it.
	svc := natstest.Service(t, srv)
	if _, err := svc.Request("$JS.API.INFO", nil, 5*time.Second); err != nil {
		t.Fatalf("service request: %v", err)
	}
	if p := natsauth.InboxPrefix(natsauth.RoleService, "UKEY"); p != "" {
		t.Errorf("service inbox prefix %q, want the default", p)
	}
}
