package natsauth

import "strings"

// NodeInboxTemplate is the inbox prefix of the cluster roles' users, as
// their scope writes it: the server puts the user's own public key in
// place of {{subject()}}. Replies to a node's requests (JetStream API
// answers, KV values, stream messages it fetches, search answers) come on
// _INBOX_<its key>.>, and no other node may subscribe there: an ingest
// worker cannot read the alerts and dispositions an api node fetches, nor
// an index node the room specs (with their source tokens) a worker gets.
// On _INBOX.> every user with that permission read every reply.
const NodeInboxTemplate = "_INBOX_{{subject()}}"

// InboxPrefix is the inbox prefix a user of role r with public key
// userKey must connect with (nats.CustomInboxPrefix), or "" for the
// default _INBOX (the service user, which may read every inbox, and the
// roles that make no requests).
func InboxPrefix(r Role, userKey string) string {
	return strings.ReplaceAll(roles[r].inbox, "{{subject()}}", userKey)
}

// InboxPrefix is the inbox prefix c's user connects with (InboxPrefix);
// ParseCreds reads the role and key of a creds file for it.
func (c Creds) InboxPrefix() string { return InboxPrefix(c.Role, c.Key) }
