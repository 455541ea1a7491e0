package app

import (
	"slices"
	"strings"
	"testing"

	"github.com/nats-io/nats-server/v2/server"

	"github.com/earshot/earshot/alerter/natsauth"
)

// TestMissingPermissions: creds are checked against the roles' lists with
// NATS's own wildcard rules; deny wins; earshot's subjects are named first.
func TestMissingPermissions(t *testing.T) {
	ingest, _ := natsauth.PermissionsOf(natsauth.RoleIngest)
	service, _ := natsauth.PermissionsOf(natsauth.RoleService)
	// as the server reports them to user UKEY: the node inbox's template
	// expanded with the key of the user it was minted for
	permsOf := func(p natsauth.Permissions, mintedFor string) *natsPerms {
		sub := make([]string, len(p.SubAllow))
		for i, s := range p.SubAllow {
			sub[i] = strings.ReplaceAll(s, "{{subject()}}", mintedFor)
		}
		return &natsPerms{user: "UKEY", inbox: "_INBOX_UKEY", pub: &server.SubjectPermission{Allow: p.PubAllow, Deny: p.PubDeny},
			sub: &server.SubjectPermission{Allow: sub, Deny: p.SubDeny}, responses: p.Responses}
	}
	perms := func(p natsauth.Permissions) *natsPerms { return permsOf(p, "UKEY") }
	asService := perms(service)
	asService.inbox = "_INBOX"
	oldJWT := perms(ingest) // an account JWT from before the node inboxes
	oldJWT.sub.Allow = append(slices.DeleteFunc(slices.Clone(oldJWT.sub.Allow), func(s string) bool { return strings.HasPrefix(s, "_INBOX") }), "_INBOX.>")
	cases := []struct {
		name   string
		p      *natsPerms
		stages []string
		want   string // the first missing permission; "" none
	}{
		{"unknown permissions", nil, []string{"scan"}, ""},
		{"service covers every role", asService, []string{"ingest", "scan", "index", "api"}, ""},
		{"ingest covers ingest", perms(ingest), []string{"ingest"}, ""},
		{"old account JWT", oldJWT, []string{"ingest"}, "role ingest needs subscribe _INBOX_UKEY.>"},
		{"another node's inbox", permsOf(ingest, "UOTHER"), []string{"ingest"}, "role ingest needs subscribe _INBOX_UKEY.>"},
		{"ingest lacks scan", perms(ingest), []string{"ingest", "scan"}, "role scan needs publish earshot.alert.>"},
		{"deny wins", &natsPerms{pub: &server.SubjectPermission{Allow: []string{">"}, Deny: []string{"earshot.utt.*"}},
			sub: &server.SubjectPermission{Allow: []string{">"}}}, []string{"ingest"}, "role ingest needs publish earshot.utt.>"},
		{"no responses", &natsPerms{pub: &server.SubjectPermission{Allow: []string{"$JS.>", "$KV.>", "$SYS.>", "earshot.>"}},
			sub: &server.SubjectPermission{Allow: []string{">"}}}, []string{"index"}, "role index needs allow-responses"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := missingPermissions(tc.p, tc.stages)
			switch {
			case tc.want == "" && len(got) > 0:
				t.Fatalf("missing %v, want none", got)
			case tc.want != "" && (len(got) == 0 || !strings.HasPrefix(got[0], tc.want)):
				t.Fatalf("missing %v, want first %q", got, tc.want)
			}
		})
	}
}
