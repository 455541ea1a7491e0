package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// lockedBuffer is a bytes.Buffer the command writes while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestWatchPrintsRemindersAndEscalations: `earshot watch` with an anchor's
// creds prints its room's reminders and escalations, as the overlay shows
// them.
func TestWatchPrintsRemindersAndEscalations(t *testing.T) {
	srv := natstest.Start(t, "")
	svc := natstest.Service(t, srv)
	creds := natstest.CredsFile(t, srv.Auth(), natsauth.Anchor("r1"))
	var out lockedBuffer
	root := newRootCmd()
	root.SetArgs([]string{"watch", "--room", "r1", "--nats-url", srv.ClientURL(), "--nats-creds", creds})
	root.SetOut(&out)
	root.SetErr(&out)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	defer func() { cancel(); <-done }()
	testutil.WaitFor(t, 10*time.Second, "watch to subscribe", func() bool { return strings.Contains(out.String(), "watching ") })

	publish := func(subject string, v any) {
		data, _ := json.Marshal(v)
		if err := svc.Publish(subject, data); err != nil {
			t.Fatal(err)
		}
	}
	publish(alerter.ReminderSubject("r1"), alerter.Reminder{Schema: alerter.SchemaVersion, AlertID: "a1", Room: "r1",
		RuleID: "cure", Category: "medical-claim", Severity: "high", Text: "no cure claims", Repeat: 3})
	publish(alerter.EscalationSubject("r1"), alerter.Escalation{Schema: alerter.SchemaVersion, ID: "esc-1", Room: "r1",
		Level: alerter.LevelStaff, RuleID: "cure", Category: "medical-claim", Severity: "high", Count: 3, WindowSeconds: 600,
		AlertIDs: []string{"a0", "a1", "a2"}, Text: "no cure claims"})
	testutil.WaitFor(t, 5*time.Second, "both lines", func() bool {
		s := out.String()
		return strings.Contains(s, "no cure claims  (rule cure") &&
			strings.Contains(s, "ESCALATION staff [medical-claim/high] no cure claims  (rule cure, 3 reminders in 600s)")
	})
	if s := out.String(); strings.Contains(s, "bad ") || strings.Contains(s, "ermission") {
		t.Fatalf("watch output:\n%s", s)
	}
}
