package webhook

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
)

// The streams and buckets this package makes.
const (
	// QueueStream holds the jobs: one message per delivery attempt
	// generation, on earshot.webhook.<endpoint>.
	QueueStream = "EARSHOT_WEBHOOKS"
	// QueueSubjectPrefix is the first two tokens of a job's subject.
	QueueSubjectPrefix = "earshot.webhook"
	// EndpointBucket holds the endpoints added with the API.
	EndpointBucket = "EARSHOT_WEBHOOK_ENDPOINTS"
	// DeliveryBucket holds one record per delivery, keyed
	// <endpoint>.<delivery>.
	DeliveryBucket = "EARSHOT_WEBHOOK_DELIVERIES"
	// fanoutConsumer is the durable consumer name on the source streams.
	fanoutConsumer = "webhooks"
)

// Job headers besides api.HeaderDelivery and api.HeaderEvent.
const (
	// hdrGeneration counts manual redeliveries: a job older than the
	// record's count is stale and dropped.
	hdrGeneration = "Earshot-Generation"
	hdrSubject    = "Earshot-Subject"
)

// QueueSubject is earshot.webhook.<endpoint>.
func QueueSubject(endpoint string) string { return QueueSubjectPrefix + "." + endpoint }

// eventType maps an event's NATS subject to its webhook event type; ""
// for subjects webhooks do not carry (heeded reminders, viewer reports).
func eventType(subject string) string {
	t := strings.Split(subject, ".")
	switch {
	case len(t) == 4 && strings.HasPrefix(subject, alerter.AlertSubjectPrefix+"."):
		return api.EventAlert
	case len(t) == 4 && strings.HasPrefix(subject, alerter.RoomSubjectPrefix+".") && t[3] == "reminder":
		return api.EventReminder
	case len(t) == 3 && strings.HasPrefix(subject, alerter.EscalationSubjectPrefix+"."):
		return api.EventEscalation
	case len(t) == 4 && strings.HasPrefix(subject, alerter.DispositionSubjectPrefix+"."):
		return api.EventDisposition
	case len(t) == 3 && strings.HasPrefix(subject, alerter.AppealSubjectPrefix+"."):
		return api.EventAppeal
	}
	return ""
}

// sourceSubjects are the subjects of alerter.EventStream the fan-out
// reads (the rest is not a webhook event).
var sourceSubjects = []string{
	alerter.RoomSubjectPrefix + ".*.reminder",
	alerter.EscalationSubjectPrefix + ".*",
	alerter.DispositionSubjectPrefix + ".*.*",
	alerter.AppealSubjectPrefix + ".*",
}

// deliveryID is the same for the same event and endpoint however often
// the fan-out sees the event (a redelivered source message), and sorts by
// the event's time: "dlv_" + 12 hex digits of Unix milliseconds + 20 of a
// hash of the endpoint and the event's place in its stream.
func deliveryID(endpoint, stream string, seq uint64, at time.Time) string {
	h := sha256.New()
	h.Write([]byte(endpoint))
	h.Write([]byte{0})
	h.Write([]byte(stream))
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], seq)
	binary.BigEndian.PutUint64(b[8:], uint64(at.UnixNano()))
	h.Write(b[:])
	var ms [8]byte
	binary.BigEndian.PutUint64(ms[:], uint64(at.UnixMilli()))
	return "dlv_" + hex.EncodeToString(ms[2:]) + hex.EncodeToString(h.Sum(nil)[:10])
}

// newEndpointID is "wh_" and 20 random hex digits.
func newEndpointID() string {
	var b [10]byte
	_, _ = rand.Read(b[:])
	return "wh_" + hex.EncodeToString(b[:])
}

// configEndpointID names a config file endpoint by its URL, so every node
// with the same config agrees on it and its consumer survives restarts.
func configEndpointID(url string) string {
	s := sha256.Sum256([]byte(url))
	return "cfg_" + hex.EncodeToString(s[:10])
}

// newSecret is a generated signing secret: "whsec_" and 32 random bytes.
func newSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return "whsec_" + base64.RawURLEncoding.EncodeToString(b[:])
}

// validID reports whether s can be an endpoint or delivery id (one
// subject token of letters, digits and underscores).
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// withType is the delivery body: the event's NATS JSON with "type" as
// its first field. The event must be a JSON object.
func withType(event []byte, typ string) ([]byte, bool) {
	s := strings.TrimSpace(string(event))
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	rest := strings.TrimSpace(s[1:])
	head := `{"type":"` + typ + `"`
	if rest == "}" {
		return []byte(head + "}"), true
	}
	return []byte(head + "," + rest), true
}
