package utt

import (
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsink"
)

func natsinkQuery() natsink.Query { return natsink.Query{Limit: 1000} }

func jetstreamSubjects() jetstream.StreamInfoOpt {
	return jetstream.WithSubjectFilter(StoredPrefix + ".>")
}

func splitStored(t testing.TB, subject string) [2]string {
	t.Helper()
	tok := strings.Split(subject, ".")
	if len(tok) != 4 || tok[0]+"."+tok[1] != StoredPrefix {
		t.Fatalf("stored subject %q is not %s.<p>.<room>", subject, StoredPrefix)
	}
	return [2]string{tok[2], tok[3]}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
