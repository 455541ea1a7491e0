package natsauth_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/internal/natstest"
)

// TestClusterRolesDenied: each cluster role's user, on a real server in
// operator mode, gets a permissions violation for what its role never
// does: forging alerts, reminders, scanner answers or another stage's
// hypotheses, writing lexicon versions, deleting streams.
func TestClusterRolesDenied(t *testing.T) {
	srv := natstest.Start(t, "")
	deleteAlerts := "$JS.API.STREAM.DELETE." + alerter.AlertStream
	cases := []struct {
		role   natsauth.Role
		pub    []string // each must be refused
		sub    []string
		allows []string // and these published without a violation
	}{
		{natsauth.RoleIngest,
			[]string{alerter.AlertSubject("medical", "r1"), alerter.ReminderSubject("r1"), "$KV.EARSHOT_LEXICON.active",
				"$KV.EARSHOT_BANS.ban.anchor.x", "earshot.scanned.bus1", "earshot.index.search", deleteAlerts,
				"$JS.API.STREAM.UPDATE." + alerter.AlertStream, "$JS.API.STREAM.PURGE.EARSHOT_UTT"},
			[]string{alerter.AlertSubjects, "earshot.index.>", "earshot.>"},
			[]string{"earshot.utt.r1", "$KV.EARSHOT_ROOM_LEASES.room.r1"}},
		{natsauth.RoleScan,
			[]string{"$KV.EARSHOT_LEXICON.active", "$KV.EARSHOT_BANS.ban.anchor.x", "earshot.utt.r1",
				"earshot.disposition.medical.r1", "earshot.index.search", deleteAlerts, "$JS.API.STREAM.PURGE." + alerter.AlertStream},
			[]string{alerter.AlertSubjects, "earshot.utt.*"},
			[]string{alerter.AlertSubject("medical", "r1"), alerter.ReminderSubject("r1"), "$KV.EARSHOT_ESCALATION.count.x"}},
		{natsauth.RoleIndex,
			[]string{alerter.ReminderSubject("r1"), alerter.AlertSubject("medical", "r1"), "$KV.EARSHOT_LEXICON.active",
				"earshot.utt.r1", "earshot.scanned.bus1", deleteAlerts},
			[]string{alerter.AlertSubjects, alerter.ReminderSubject("r1")},
			[]string{"$KV.EARSHOT_TRUST.c.utt", "earshot.trust.shop1"}},
		{natsauth.RoleAPI,
			[]string{alerter.ReminderSubject("r1"), alerter.EscalationSubject("r1"), "earshot.scanned.bus1",
				"$KV.EARSHOT_SCAN_LEASES.p.0", "$KV.EARSHOT_ESCALATION.count.x", "$KV.EARSHOT_TRUST.c.utt", deleteAlerts,
				"$JS.API.STREAM.DELETE.KV_EARSHOT_LEXICON"},
			[]string{"earshot.index.>"},
			[]string{"$KV.EARSHOT_LEXICON.active", "earshot.disposition.medical.r1", "earshot.index.search"}},
	}
	for _, tc := range cases {
		t.Run(string(tc.role), func(t *testing.T) {
			var v violations
			nc := natstest.Connect(t, srv.ClientURL(), srv.Auth(), natsauth.User{Role: tc.role}, v.handler())
			for _, subj := range tc.pub {
				if err := nc.Publish(subj, []byte("forged")); err != nil {
					t.Fatal(err)
				}
				v.waitFor(t, nc, "Publish", subj)
			}
			for _, subj := range tc.sub {
				if _, err := nc.SubscribeSync(subj); err != nil {
					t.Fatal(err)
				}
				v.waitFor(t, nc, "Subscription", subj)
			}
			for _, subj := range tc.allows {
				if err := nc.Publish(subj, []byte("{}")); err != nil {
					t.Fatal(err)
				}
			}
			if err := nc.Flush(); err != nil {
				t.Fatal(err)
			}
			v.none(t, tc.allows)
		})
	}
}

// none fails if a violation names any of subjects.
func (v *violations) none(t *testing.T, subjects []string) {
	t.Helper()
	v.mu.Lock()
	defer v.mu.Unlock()
	for _, err := range v.errs {
		for _, s := range subjects {
			if strings.Contains(err.Error(), `"`+s+`"`) {
				t.Errorf("%s refused: %v", s, err)
			}
		}
	}
}

// TestUnionRoles: a node with several roles gets exactly the union of
// their permissions, under a role of its own.
func TestUnionRoles(t *testing.T) {
	r, err := natsauth.ParseRole("scan, ingest")
	if err != nil || r != "ingest+scan" {
		t.Fatalf("ParseRole(scan, ingest) = %q, %v", r, err)
	}
	if _, err := natsauth.ParseRole("ingest,admin"); err == nil || !strings.Contains(err.Error(), `"admin"`) {
		t.Errorf("ParseRole(ingest,admin): %v", err)
	}
	u, _ := natsauth.PermissionsOf(r)
	for _, part := range []natsauth.Role{natsauth.RoleIngest, natsauth.RoleScan} {
		p, _ := natsauth.PermissionsOf(part)
		for _, s := range p.PubAllow {
			if !slices.Contains(u.PubAllow, s) {
				t.Errorf("ingest+scan lacks %s's publish %s", part, s)
			}
		}
	}
	idx, _ := natsauth.PermissionsOf(natsauth.RoleIndex)
	for _, s := range idx.PubAllow {
		if strings.HasPrefix(s, "$KV.EARSHOT_TRUST.") && slices.Contains(u.PubAllow, s) {
			t.Errorf("ingest+scan got the index role's %s", s)
		}
	}
	// The union's user connects and works like both.
	srv := natstest.Start(t, "")
	var v violations
	nc := natstest.Connect(t, srv.ClientURL(), srv.Auth(), natsauth.User{Role: r}, v.handler())
	ok := []string{"earshot.utt.r1", alerter.AlertSubject("medical", "r1")}
	for _, s := range ok {
		if err := nc.Publish(s, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := nc.Publish("$KV.EARSHOT_LEXICON.active", nil); err != nil {
		t.Fatal(err)
	}
	v.waitFor(t, nc, "Publish", "$KV.EARSHOT_LEXICON.active")
	v.none(t, ok)
}
