package webhook

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/natsink"
	"github.com/earshot/earshot/alerter/webhook/webhooktest"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/netguard"
	"github.com/earshot/earshot/internal/testutil"
)

const testSecret = "test-secret-0123456789"

// env is a NATS server with the source streams, and a policy that allows
// loopback receivers.
type env struct {
	nc    *nats.Conn
	js    jetstream.JetStream
	guard *netguard.Policy
}

func newEnv(t testing.TB) *env {
	t.Helper()
	srv := natstest.Start(t, "")
	nc := natstest.Service(t, srv)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: alerter.AlertStream, Subjects: []string{alerter.AlertSubjects}}); err != nil {
		t.Fatal(err)
	}
	if _, err := natsink.EnsureEvents(ctx, js, natsink.EventOptions{}); err != nil {
		t.Fatal(err)
	}
	guard, err := netguard.New(netguard.Options{Allow: []string{"127.0.0.1"}, Setting: "test allow list"})
	if err != nil {
		t.Fatal(err)
	}
	return &env{nc: nc, js: js, guard: guard}
}

// opts are fast delivery settings for tests.
func (e *env) opts() Options {
	return Options{Guard: e.guard, Timeout: 500 * time.Millisecond, Attempts: 10,
		Backoff: Backoff{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond}, Logger: testutil.Quiet()}
}

func (e *env) start(t testing.TB, o Options) *Service {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := New(ctx, e.nc, o)
	if err != nil {
		t.Fatalf("webhook.New: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// publish stores an event as its publisher would.
func (e *env) publish(t testing.TB, subject string, v any) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.js.Publish(context.Background(), subject, b); err != nil {
		t.Fatalf("publishing %s: %v", subject, err)
	}
}

func newReceiver(t testing.TB, plan webhooktest.Plan) *webhooktest.Receiver {
	return webhooktest.New(t, testSecret, plan)
}

var ok = webhooktest.OK

func waitDeliveries(t *testing.T, s *Service, id string, n int, cond func(api.Delivery) bool) []api.Delivery {
	t.Helper()
	var got []api.Delivery
	testutil.Eventually(t, 30*time.Second, func() error {
		var err error
		got, err = s.Deliveries(context.Background(), id, 100)
		if err != nil {
			return err
		}
		done := 0
		for _, d := range got {
			if cond(d) {
				done++
			}
		}
		if done != n {
			return fmt.Errorf("%d of %d deliveries as wanted: %+v", done, n, got)
		}
		return nil
	})
	return got
}

func status(s string) func(api.Delivery) bool {
	return func(d api.Delivery) bool { return d.Status == s }
}
