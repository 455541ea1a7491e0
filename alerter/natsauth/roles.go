package natsauth

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/jwt/v2"

	"github.com/earshot/earshot/alerter"
)

// Role is a kind of NATS user; its scoped signing key fixes what the user
// may do.
type Role string

// The roles of an earshot installation.
const (
	// RoleService is earshot's own processes (`earshot serve`, cluster
	// workers): they run the streams and buckets.
	RoleService Role = "service"
	// RoleAnchor receives one room's reminders.
	RoleAnchor Role = "anchor"
	// RoleCompliance reads alerts.
	RoleCompliance Role = "compliance"
	// RoleTrust reads merchants' trust scores as they change (a
	// recommendation system; docs/trust.md).
	RoleTrust Role = "trust"
	// RoleMonitor is an operator's read-only view of a cluster (`earshot
	// cluster status`): who holds which room and partition, and how far
	// behind each hypothesis consumer is. It reads claims and consumer
	// info only, never an alert, a transcript or the lexicon, and changes
	// nothing (cluster.go: monitorPermissions).
	RoleMonitor Role = "monitor"
	// RolePlatform is a platform's own ASR publishing hypotheses straight
	// to earshot.utt.<room> (docs/scaling.md, "Message schema"), for every
	// room, and nothing else: no alert, reminder, transcript or bucket.
	RolePlatform Role = "platform"
	// RolePlatformRoom is RolePlatform for one room (the user's name, as
	// for RoleAnchor): `earshot creds --role platform --room R`.
	RolePlatformRoom Role = "platform-room"
)

// PlatformInboxPrefix is the inbox prefix of platform users: the
// stream's publish acknowledgements come there (nats.go
// nats.CustomInboxPrefix, the nats CLI's --inbox-prefix). They may not
// subscribe to _INBOX.>, which carries every other user's replies (KV
// values, JetStream API answers).
const PlatformInboxPrefix = "_INBOX_platform"

// uttPrefix is cluster/utt's earshot.utt (that package imports this one's
// importers); TestPlatformPublishesHypothesesOnly publishes on it.
const uttPrefix = "earshot.utt"

// Permissions is what a role may publish and subscribe to. An empty allow
// list with a deny of ">" means nothing at all; deny wins over allow.
type Permissions struct {
	PubAllow, PubDeny []string
	SubAllow, SubDeny []string
	// Responses lets the user answer requests it received (NATS
	// allow_responses) without a publish permission on _INBOX.>.
	Responses bool
}

// roleSpec is one row of the role table.
type roleSpec struct {
	perms Permissions
	// ttl is the default lifetime of a minted user; 0 never expires.
	ttl  time.Duration
	desc string
	// inbox is the inbox prefix its users connect with (InboxPrefix),
	// "" for _INBOX: the one allowed in SubAllow.
	inbox string
}

// roomTemplate is expanded by the server from the user JWT's name, which
// Mint sets to the room id (tags are lower-cased by the JWT library, room
// ids are not).
const roomTemplate = "{{name()}}"

// roles is the whole permission model. Subjects follow alerter/subject.go,
// alerter/disposition and lexicon/version; docs/nats-permissions.md lists
// the same table (a test compares them).
var roles = map[Role]roleSpec{
	RoleAnchor: {
		perms: Permissions{
			PubDeny: []string{">"},
			// its reminders, its escalations and its appeals' outcomes (all
			// shown on its overlay)
			SubAllow: []string{alerter.ReminderSubject(roomTemplate), alerter.EscalationSubject(roomTemplate), alerter.AppealSubject(roomTemplate)},
		},
		ttl:  24 * time.Hour,
		desc: "anchor of one room: its reminders, escalations and the outcomes of its appeals only",
	},
	RoleCompliance: {
		perms: Permissions{
			PubDeny:  []string{">"},
			SubAllow: []string{alerter.AlertSubjects},
		},
		ttl:  12 * time.Hour,
		desc: "compliance staff: read alerts only",
	},
	RoleTrust: {
		perms: Permissions{
			PubDeny:  []string{">"},
			SubAllow: []string{alerter.TrustSubjectPrefix + ".>"},
		},
		ttl:  30 * 24 * time.Hour,
		desc: "a recommendation system: merchants' trust scores only",
	},
	RolePlatform: {
		perms: Permissions{
			PubAllow: []string{uttPrefix + ".*"},
			SubAllow: []string{PlatformInboxPrefix + ".>"},
		},
		ttl:  30 * 24 * time.Hour,
		desc: "a platform's ASR: publish hypotheses on earshot.utt.<room> for every room, nothing else",
	},
	RolePlatformRoom: {
		perms: Permissions{
			PubAllow: []string{uttPrefix + "." + roomTemplate},
			SubAllow: []string{PlatformInboxPrefix + ".>"},
		},
		ttl:  30 * 24 * time.Hour,
		desc: "a platform's ASR for one room: publish hypotheses on earshot.utt.<room> of that room only",
	},
	RoleService: {
		perms: Permissions{
			PubAllow: []string{
				"earshot.>",     // alerts (into EARSHOT_ALERTS), reminders, dispositions
				"$JS.API.>",     // streams, consumers, KV buckets, direct gets
				"$KV.>",         // KV puts (EARSHOT_LEXICON, EARSHOT_DISPOSITIONS)
				"$JS.ACK.>",     // acknowledging consumed messages
				"$JS.FC.>",      // flow-control replies of ordered consumers (KV watch)
				UserInfoSubject, // its own permissions (the start-up check)
			},
			// _INBOX.>: replies of the JetStream API and KV watch deliveries.
			SubAllow: []string{"earshot.>", "_INBOX.>"},
			// Answering requests (the cluster's search fan-out) without a
			// publish permission on every inbox.
			Responses: true,
		},
		desc: "earshot's own services: JetStream, KV, alerts, reminders",
	},
}

func init() {
	// The cluster roles and their unions (cluster.go), each a scope of its
	// own, derived from the one resource table.
	for name, rs := range unionRoles() {
		desc := "earshot node with role(s) " + strings.ReplaceAll(string(name), "+", ", ") + " only"
		roles[name] = roleSpec{perms: clusterPermissions(rs), desc: desc, inbox: NodeInboxTemplate}
	}
	roles[RoleMonitor] = roleSpec{perms: monitorPermissions(), ttl: 30 * 24 * time.Hour,
		desc: "an operator's read-only view of the cluster: claims and consumer lag only", inbox: MonitorInboxPrefix}
	for _, r := range []Role{RolePlatform, RolePlatformRoom} {
		spec := roles[r]
		spec.inbox = PlatformInboxPrefix
		roles[r] = spec
	}
}

// Roles lists the roles, sorted (the cluster roles' unions included).
func Roles() []Role {
	out := make([]Role, 0, len(roles))
	for r := range roles {
		out = append(out, r)
	}
	slices.Sort(out)
	return out
}

// BaseRoles are the roles that are not unions of cluster roles, sorted.
func BaseRoles() []Role {
	var out []Role
	for _, r := range Roles() {
		if !strings.Contains(string(r), "+") {
			out = append(out, r)
		}
	}
	return out
}

// ParseRole checks a role name; several cluster roles separated by commas
// (ingest,scan) or plus signs are their union (ingest+scan).
func ParseRole(s string) (Role, error) {
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, ",+") {
		parts := strings.FieldsFunc(s, func(c rune) bool { return c == ',' || c == '+' })
		for i := range parts {
			parts[i] = strings.TrimSpace(parts[i])
		}
		return ClusterRole(parts)
	}
	r := Role(s)
	if _, ok := roles[r]; !ok {
		return "", unknownRole(s)
	}
	return r, nil
}

func unknownRole(s string) error {
	names := make([]string, 0, len(roles))
	for _, r := range BaseRoles() {
		names = append(names, string(r))
	}
	return fmt.Errorf("natsauth: role %q: want one of %s, or several of %s joined by commas (ingest,scan)",
		s, strings.Join(names, ", "), strings.Join(roleNames(ClusterRoles), ", "))
}

func roleNames(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

// PermissionsOf returns a copy of the role's permissions (anchor subjects
// still carry the {{name()}} template the server fills in).
func PermissionsOf(r Role) (Permissions, bool) {
	spec, ok := roles[r]
	if !ok {
		return Permissions{}, false
	}
	p := spec.perms
	p.PubAllow, p.PubDeny = slices.Clone(p.PubAllow), slices.Clone(p.PubDeny)
	p.SubAllow, p.SubDeny = slices.Clone(p.SubAllow), slices.Clone(p.SubDeny)
	return p, true
}

// DefaultTTL is how long a user of the role lives unless asked otherwise;
// 0 means it never expires.
func DefaultTTL(r Role) time.Duration { return roles[r].ttl }

// scope is the role's scoped signing key entry in the account JWT.
func (r Role) scope(key string) *jwt.UserScope {
	spec := roles[r]
	sc := jwt.NewUserScope()
	sc.Key, sc.Role, sc.Description = key, string(r), spec.desc
	p := spec.perms
	sc.Template.Pub.Allow.Add(p.PubAllow...)
	sc.Template.Pub.Deny.Add(p.PubDeny...)
	sc.Template.Sub.Allow.Add(p.SubAllow...)
	sc.Template.Sub.Deny.Add(p.SubDeny...)
	if p.Responses {
		sc.Template.Resp = &jwt.ResponsePermission{MaxMsgs: 1, Expires: time.Minute}
	}
	return sc
}
