package natsauth

import (
	"slices"
	"strings"

	"github.com/earshot/earshot/alerter"
)

// The cluster roles: one NATS user per role of `earshot serve --roles`, so
// a compromised worker can do only its own job. A node with several roles
// connects as the union (a role of its own, e.g. "ingest+scan", whose key
// is scoped to exactly that union). RoleService stays the all-powerful
// user of the single process and of operators' tools.
const (
	RoleIngest Role = "ingest"
	RoleScan   Role = "scan"
	RoleIndex  Role = "index"
	RoleAPI    Role = "api"
)

// ClusterRoles are the stage roles, in the order of config.Roles.
var ClusterRoles = []Role{RoleIngest, RoleScan, RoleIndex, RoleAPI}

// access is what a role may do with a stream or KV bucket.
type access uint8

const (
	// read: consumers (create, info, next, ack, flow control, delete its
	// own), direct and stream message gets, KV gets and watches.
	read access = 1 << iota
	// write: publish to the stream's subjects (for a bucket, its keys).
	write
	// manage: create it and update its configuration (bounds, replicas)
	// at start-up; never delete it.
	manage
	// purge: purge subjects of it (webhook deliveries of a removed endpoint).
	purge
)

// grant is one role's access to a resource; subjects narrows write to some
// of the resource's subjects (for a bucket: keys, as $KV.<bucket>.<key>).
type grant struct {
	access   access
	subjects []string
}

// resource is a stream or a KV bucket and who may use it how.
type resource struct {
	name     string   // stream name; a bucket's stream is KV_<name>
	kv       bool     // a KV bucket
	subjects []string // a stream's subjects (a bucket's are $KV.<name>.>)
	use      map[Role]grant
}

func (r resource) stream() string {
	if r.kv {
		return "KV_" + r.name
	}
	return r.name
}

func (r resource) writeSubjects(g grant) []string {
	switch {
	case len(g.subjects) > 0:
		return g.subjects
	case r.kv:
		return []string{"$KV." + r.name + ".>"}
	}
	return r.subjects
}

// The common grants.
var (
	readOnly   = grant{access: read}
	readManage = grant{access: read | manage}
	full       = grant{access: read | write | manage}
)

// resources is the one table of who uses which stream and bucket, from
// what each role's code does (internal/app wires the roles). A role that
// may not manage a resource it opens binds to it and waits until a role
// that may has made it (internal/app/jsscope.go); the api role manages
// every shared one it opens, so an api node never waits for a worker.
// Names are spelled out because several owning packages import this one's
// importers; internal/app's TestEveryStreamHasPermissions compares them
// with the streams earshot makes.
var resources = []resource{
	{name: "EARSHOT_UTT", subjects: []string{"earshot.utt.>"}, use: map[Role]grant{
		RoleIngest: {access: write | manage}, RoleAPI: {access: write | manage}, // hypotheses from rooms and POSTed utterances
		RoleScan: readOnly, RoleIndex: readOnly, // the partitions' consumers; the index and trust consumers
	}},
	{name: "EARSHOT_DLQ", subjects: []string{"earshot.dlq.>"}, use: map[Role]grant{
		RoleScan: {access: write | manage}, RoleAPI: {access: manage}, // scanners dead-letter bad messages
	}},
	{name: alerter.AlertStream, subjects: []string{alerter.AlertSubjects}, use: map[Role]grant{
		RoleScan: full, RoleAPI: full, // scanners' alerts; viewer-report alerts; the log, cases, webhooks read it
		RoleIndex: readOnly, // the trust ledger
	}},
	{name: alerter.EventStream, subjects: alerter.EventSubjects, use: map[Role]grant{
		RoleScan: {access: read | write | manage, subjects: []string{ // reminders, escalations, heeded reminders
			alerter.RoomSubjectPrefix + ".*.reminder", alerter.EscalationSubjectPrefix + ".*", alerter.HeededSubjectPrefix + ".*"}},
		RoleAPI: {access: read | write | manage, subjects: []string{ // dispositions, appeals, viewer reports
			alerter.DispositionSubjectPrefix + ".*.*", alerter.AppealSubjectPrefix + ".*", alerter.ReportSubjectPrefix + ".*"}},
		RoleIndex: readOnly, // the trust ledger
	}},
	{name: "EARSHOT_WEBHOOKS", subjects: []string{"earshot.webhook.>"}, use: map[Role]grant{
		RoleAPI: {access: read | write | manage | purge},
	}},
	{name: "EARSHOT_LEXICON", kv: true, use: map[Role]grant{
		RoleAPI:    full, // only the api role writes versions (and signs them)
		RoleIngest: readOnly, RoleScan: readOnly, RoleIndex: readOnly,
	}},
	{name: "EARSHOT_DISPOSITIONS", kv: true, use: map[Role]grant{RoleAPI: full}},
	{name: "EARSHOT_COOLDOWN", kv: true, use: map[Role]grant{RoleScan: full, RoleAPI: full}},
	{name: "EARSHOT_SCAN_LEASES", kv: true, use: map[Role]grant{RoleScan: full}},
	{name: "EARSHOT_ESCALATION", kv: true, use: map[Role]grant{RoleScan: full}},
	{name: "EARSHOT_ROOMS", kv: true, use: map[Role]grant{RoleAPI: full, RoleIngest: readOnly}},
	{name: "EARSHOT_ROOM_LEASES", kv: true, use: map[Role]grant{RoleIngest: full,
		RoleAPI: readOnly}}, // an api node sends WHIP publishers to the room's owner (placement.View)
	{name: "EARSHOT_NODES", kv: true, use: map[Role]grant{ // every node's presence
		RoleIngest: full, RoleScan: full, RoleIndex: full, RoleAPI: full}},
	{name: "EARSHOT_INDEX_NODES", kv: true, use: map[Role]grant{RoleIndex: full, RoleAPI: readManage}},
	{name: "EARSHOT_REPORTS", kv: true, use: map[Role]grant{RoleAPI: full}},
	{name: "EARSHOT_REVOCATIONS", kv: true, use: map[Role]grant{RoleAPI: full,
		RoleIngest: readOnly, RoleScan: readOnly, RoleIndex: readOnly}}, // every node checks tokens (WHIP publishers, metrics scrapers)
	{name: "EARSHOT_CASES", kv: true, use: map[Role]grant{RoleAPI: full}},
	{name: "EARSHOT_APPEALS", kv: true, use: map[Role]grant{RoleAPI: full}},
	{name: "EARSHOT_TRUST", kv: true, use: map[Role]grant{RoleIndex: full, RoleAPI: readManage}},
	{name: "EARSHOT_TRUST_LEASE", kv: true, use: map[Role]grant{RoleIndex: full}},
	{name: "EARSHOT_WEBHOOK_DELIVERIES", kv: true, use: map[Role]grant{RoleAPI: {access: read | write | manage | purge}}},
	{name: "EARSHOT_WEBHOOK_ENDPOINTS", kv: true, use: map[Role]grant{RoleAPI: full}},
	{name: "EARSHOT_LINKS", kv: true, use: map[Role]grant{RoleScan: full, RoleAPI: full}}, // api: a ban notes the links it raised (links.Linker.Banned)
	{name: "EARSHOT_BANS", kv: true, use: map[Role]grant{
		RoleAPI: full,
		// scanners read the ban list and check the shared hash key
		RoleScan: {access: read | manage | write, subjects: []string{"$KV.EARSHOT_BANS.keycheck"}},
	}},
}

// coreSubject is a subject outside any stream (or read live besides its
// stream) and who publishes and subscribes to it.
type coreSubject struct {
	subject  string
	pub, sub []Role
	why      string
}

var coreSubjects = []coreSubject{
	{"earshot.scanned.*", []Role{RoleScan}, []Role{RoleIngest, RoleAPI}, "scanners' answers to the bus that published a hypothesis"},
	{"earshot.index.>", []Role{RoleAPI}, []Role{RoleIndex}, "transcript searches and lexicon backtests fanned out to index nodes (earshot.index.search, .get, .around, .hasroom, .fetch.<node>, .backtest; answered with allow-responses)"},
	{alerter.TrustSubjectPrefix + ".>", []Role{RoleIndex}, nil, "the trust ledger's writer publishes merchants' scores"},
	{alerter.AlertSubjects, nil, []Role{RoleAPI}, "the console's live alert feed"},
	{"earshot.utt.*", nil, []Role{RoleAPI}, "viewer reports follow where each room's stream is"},
	{alerter.RoomSubjectPrefix + ".*.reminder", nil, []Role{RoleAPI}, "the overlay's feed"},
	{alerter.EscalationSubjectPrefix + ".*", nil, []Role{RoleAPI}, "console and overlay feeds"},
	{alerter.DispositionSubjectPrefix + ".*.*", nil, []Role{RoleAPI}, "the console's feed; reporters' records"},
	{alerter.AppealSubjectPrefix + ".*", nil, []Role{RoleAPI}, "the overlay's feed"},
	{alerter.ReportSubjectPrefix + ".*", nil, []Role{RoleAPI}, "every api node's burst detector"},
}

// everyNode is what any earshot node may do: reach the JetStream account
// info and any stream's info (the bounds of start-up read every stream's
// size; configuration, never content), read its own permissions (the
// start-up check), and get replies on its own inbox (NodeInboxTemplate).
var (
	everyNodePub = []string{"$JS.API.INFO", "$JS.API.STREAM.INFO.*", UserInfoSubject}
	everyNodeSub = []string{NodeInboxTemplate + ".>"}
)

// UserInfoSubject answers a connected user with its own permissions
// (nats-server's $SYS.REQ.USER.INFO); `earshot serve` checks its creds
// with it before it starts.
const UserInfoSubject = "$SYS.REQ.USER.INFO"

// monitored are the buckets `earshot cluster status` reads (presence,
// room and partition claims: who, never what was said), and
// monitoredStream the stream whose consumers' lag it lists.
var (
	monitored       = []string{"EARSHOT_NODES", "EARSHOT_ROOM_LEASES", "EARSHOT_SCAN_LEASES"}
	monitoredStream = "EARSHOT_UTT"
)

// monitorPermissions is RoleMonitor's: stream info, key listing (an
// ordered consumer of its own on each monitored bucket: create, next,
// flow control, and delete when the listing ends) and gets of those
// buckets, and the consumer list of EARSHOT_UTT. Unlike readAPI it names
// each consumer operation, so a monitor cannot delete or pause the
// scanners' consumers, and it publishes nothing else: no message, no KV
// put, no stream change. (Consumer names are random, so the delete
// cannot be narrowed to its own: a monitor could end another's watch of
// a claim bucket, which the watcher, an ordered consumer, recreates.)
func monitorPermissions() Permissions {
	pub := append([]string{}, everyNodePub...)
	for _, b := range monitored {
		st := "KV_" + b
		pub = append(pub,
			"$JS.API.CONSUMER.CREATE."+st, "$JS.API.CONSUMER.CREATE."+st+".>",
			"$JS.API.CONSUMER.MSG.NEXT."+st+".>", "$JS.FC."+st+".>", "$JS.API.CONSUMER.DELETE."+st+".*",
			"$JS.API.DIRECT.GET."+st, "$JS.API.DIRECT.GET."+st+".>", "$JS.API.STREAM.MSG.GET."+st)
	}
	pub = append(pub, "$JS.API.CONSUMER.LIST."+monitoredStream, "$JS.API.CONSUMER.NAMES."+monitoredStream)
	slices.Sort(pub)
	return Permissions{PubAllow: slices.Compact(pub), SubAllow: []string{MonitorInboxPrefix + ".>"}}
}

// MonitorInboxPrefix is the inbox prefix of monitor users (`earshot
// cluster status` sets it when its creds are a monitor's): replies to its
// own requests come there. A monitor may not subscribe to _INBOX.>, which
// carries every other user's replies: the KV values and stream messages
// the nodes fetch (room specs with their source tokens, alerts,
// dispositions), which it must never read.
const MonitorInboxPrefix = "_INBOX_monitor"

// readAPI is the JetStream API a reader of stream s uses: its consumers
// ($JS.API.CONSUMER.<op>.<s>[.<consumer>[.<filter>]]: create, info,
// delete, list, names, pause; durable create; next), direct and stream
// message gets, acks and flow control. Wildcards over the operation keep
// the account JWT small: it carries every union role's lists.
func readAPI(s string) []string {
	return []string{
		"$JS.API.CONSUMER.*." + s, "$JS.API.CONSUMER.*." + s + ".>",
		"$JS.API.CONSUMER.DURABLE.CREATE." + s + ".>", "$JS.API.CONSUMER.MSG.NEXT." + s + ".>",
		"$JS.API.DIRECT.GET." + s, "$JS.API.DIRECT.GET." + s + ".>", "$JS.API.STREAM.MSG.GET." + s,
		"$JS.ACK." + s + ".>", "$JS.FC." + s + ".>",
	}
}

// clusterPermissions derives the permissions of a set of cluster roles
// from the tables: the union of each role's.
func clusterPermissions(rs []Role) Permissions {
	var pub, sub []string
	pub = append(pub, everyNodePub...)
	sub = append(sub, everyNodeSub...)
	responses := false
	for _, res := range resources {
		st := res.stream()
		for _, role := range rs {
			g, ok := res.use[role]
			if !ok {
				continue
			}
			if g.access&read != 0 {
				pub = append(pub, readAPI(st)...)
			}
			if g.access&write != 0 {
				pub = append(pub, res.writeSubjects(g)...)
			}
			if g.access&manage != 0 {
				pub = append(pub, "$JS.API.STREAM.CREATE."+st, "$JS.API.STREAM.UPDATE."+st)
			}
			if g.access&purge != 0 {
				pub = append(pub, "$JS.API.STREAM.PURGE."+st)
			}
		}
	}
	for _, c := range coreSubjects {
		for _, role := range rs {
			if slices.Contains(c.pub, role) {
				pub = append(pub, c.subject)
			}
			if slices.Contains(c.sub, role) {
				sub = append(sub, c.subject)
				if c.subject == "earshot.index.>" {
					responses = true
				}
			}
		}
	}
	slices.Sort(pub)
	slices.Sort(sub)
	return Permissions{PubAllow: slices.Compact(pub), SubAllow: slices.Compact(sub), Responses: responses}
}

// Streams lists the streams of the table (KV_<bucket> for a bucket).
func Streams() []string {
	out := make([]string, len(resources))
	for i, res := range resources {
		out[i] = res.stream()
	}
	return out
}

// ManagedBy lists the roles that may create and update stream (a stream
// name, or KV_<bucket>); empty for a stream earshot does not know.
func ManagedBy(stream string) []Role {
	for _, res := range resources {
		if res.stream() != stream {
			continue
		}
		var out []Role
		for _, role := range ClusterRoles {
			if res.use[role].access&manage != 0 {
				out = append(out, role)
			}
		}
		return out
	}
	return nil
}

// ClusterRole is the role of a node with the given stage roles: the role
// itself, or for several the union role named by them joined with "+" in
// the order of ClusterRoles (e.g. ingest+scan).
func ClusterRole(stages []string) (Role, error) {
	var parts []string
	for _, c := range ClusterRoles {
		if slices.Contains(stages, string(c)) {
			parts = append(parts, string(c))
		}
	}
	for _, s := range stages {
		if !slices.Contains(ClusterRoles, Role(s)) {
			return "", unknownRole(s)
		}
	}
	if len(parts) == 0 {
		return "", unknownRole(strings.Join(stages, ","))
	}
	return Role(strings.Join(parts, "+")), nil
}

// unionRoles are every non-empty combination of the cluster roles.
func unionRoles() map[Role][]Role {
	out := map[Role][]Role{}
	n := len(ClusterRoles)
	for mask := 1; mask < 1<<n; mask++ {
		var rs []Role
		var names []string
		for i, c := range ClusterRoles {
			if mask&(1<<i) != 0 {
				rs = append(rs, c)
				names = append(names, string(c))
			}
		}
		out[Role(strings.Join(names, "+"))] = rs
	}
	return out
}

// Stages are the stage roles a role stands for: the cluster roles of a
// union (ingest+scan: ingest, scan), the four of service, none for anchor,
// compliance and trust.
func (r Role) Stages() []Role {
	if r == RoleService {
		return slices.Clone(ClusterRoles)
	}
	return slices.Clone(unionRoles()[r])
}

// ClusterDoc renders the cluster roles for docs/nats-permissions.md: who
// uses each stream and bucket how, then each role's exact lists (a test
// keeps the page equal to it).
func ClusterDoc() string {
	var b strings.Builder
	b.WriteString("| stream or bucket | " + strings.Join(roleNames(ClusterRoles), " | ") + " |\n")
	b.WriteString("| --- |" + strings.Repeat(" --- |", len(ClusterRoles)) + "\n")
	for _, res := range resources {
		name := "stream `" + res.name + "`"
		if res.kv {
			name = "bucket `" + res.name + "`"
		}
		b.WriteString("| " + name + " |")
		for _, role := range ClusterRoles {
			b.WriteString(" " + grantText(res, res.use[role]) + " |")
		}
		b.WriteString("\n")
	}
	b.WriteString("\nr: read (consumers, gets, watches); w: publish (its subjects, or only those named); " +
		"m: create and update it at start-up; p: purge subjects of it. No role may delete a stream or bucket.\n\n")
	b.WriteString("| core subject | publish | subscribe | why |\n| --- | --- | --- | --- |\n")
	for _, c := range coreSubjects {
		b.WriteString("| `" + c.subject + "` | " + strings.Join(roleNames(c.pub), ", ") + " | " +
			strings.Join(roleNames(c.sub), ", ") + " | " + c.why + " |\n")
	}
	b.WriteString("\nEvery role also publishes `" + strings.Join(everyNodePub, "`, `") + "` and subscribes `" +
		strings.Join(everyNodeSub, "`, `") + "`. The exact lists, derived from the tables above:\n\n")
	for _, role := range ClusterRoles {
		p, _ := PermissionsOf(role)
		b.WriteString("- `" + string(role) + "` publish: `" + strings.Join(p.PubAllow, "`, `") + "`; subscribe: `" +
			strings.Join(p.SubAllow, "`, `") + "`")
		if p.Responses {
			b.WriteString("; allow-responses")
		}
		b.WriteString("\n")
	}
	return b.String()
}

func grantText(res resource, g grant) string {
	var s string
	for _, f := range []struct {
		a access
		c string
	}{{read, "r"}, {write, "w"}, {manage, "m"}, {purge, "p"}} {
		if g.access&f.a != 0 {
			s += f.c
		}
	}
	if s == "" {
		return ""
	}
	if g.access&write != 0 && len(g.subjects) > 0 {
		s += " (w: `" + strings.Join(g.subjects, "`, `") + "`)"
	}
	return s
}
