package app

import (
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
	perms := func(p natsauth.Permissions) *natsPerms {
		return &natsPerms{pub: &server.SubjectPermission{Allow: p.PubAllow, Deny: p.PubDeny},
			sub: &server.SubjectPermission{Allow: p.SubAllow, Deny: p.SubDeny}, responses: p.Responses}
	}
	cases := []struct {
		name   string
		p      *natsPerms
		stages []string
		want   string // the first missing permission; "" none
	}{
		{"unknown permissions", nil, []string{"scan"}, ""},
		{"service covers every role", perms(service), []string{"ingest", "scan", "index", "api"}, ""},
		{"ingest covers ingest", perms(ingest), []string{"ingest"}, ""},
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
