package cases

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// The builder's durable consumers (and ReportConsumer). Every api node
// binds the same three, so each alert, escalation and report is handled by
// one node at a time, and a node that was down resumes where the cluster
// left off.
const (
	AlertConsumer      = "earshot-cases"
	EscalationConsumer = "earshot-cases-escalations"
)

// Redelivery: a failed write is retried after retryDelay; an escalation
// whose alerts are not grouped yet waits for the alert builder, up to
// maxDeliver attempts.
const (
	retryDelay = time.Second
	maxDeliver = 30
	ackWait    = 30 * time.Second
)

// Builder feeds a Store from the alert stream and the event stream's
// escalations and viewer reports.
type Builder struct {
	st   *Store
	log  *slog.Logger
	cons []jetstream.ConsumeContext
}

// StartBuilder binds the durable consumers (creating them on first use,
// from the start of each stream, so stored alerts form cases too) and
// starts consuming. Close stops it.
func StartBuilder(ctx context.Context, js jetstream.JetStream, st *Store, log *slog.Logger) (*Builder, error) {
	if log == nil {
		log = slog.Default()
	}
	b := &Builder{st: st, log: log}
	ctx, cancel := withTimeout(ctx, 10*time.Second)
	defer cancel()
	for _, c := range []struct {
		stream, name, filter string
		handle               func(jetstream.Msg)
	}{
		{alerter.AlertStream, AlertConsumer, alerter.AlertSubjects, b.alert},
		{alerter.EventStream, EscalationConsumer, alerter.EscalationSubjectPrefix + ".*", b.escalation},
		{alerter.EventStream, ReportConsumer, alerter.ReportSubjectPrefix + ".*", b.report},
	} {
		cons, err := js.CreateOrUpdateConsumer(ctx, c.stream, jetstream.ConsumerConfig{
			Durable: c.name, Description: "earshot: builds the compliance cases (alerter/cases)",
			FilterSubject: c.filter, DeliverPolicy: jetstream.DeliverAllPolicy, AckPolicy: jetstream.AckExplicitPolicy,
			AckWait: ackWait, MaxDeliver: maxDeliver, MaxAckPending: 256,
		})
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("cases: consumer %s on %s: %w", c.name, c.stream, err)
		}
		cc, err := cons.Consume(c.handle)
		if err != nil {
			b.Close()
			return nil, fmt.Errorf("cases: consume %s: %w", c.name, err)
		}
		b.cons = append(b.cons, cc)
	}
	return b, nil
}

// Close stops consuming; unacknowledged messages go to another node.
func (b *Builder) Close() {
	for _, c := range b.cons {
		c.Stop()
	}
	b.cons = nil
}

func (b *Builder) alert(m jetstream.Msg) {
	a, err := alerter.DecodeAlert(m.Data())
	if err != nil {
		b.log.Warn("cases: skipping undecodable alert", "subject", m.Subject(), "err", err)
		_ = m.Term()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ackWait/2)
	defer cancel()
	if _, err := b.st.Add(ctx, a); err != nil {
		b.retry(m, "alert", a.ID, err)
		return
	}
	_ = m.Ack()
}

func (b *Builder) escalation(m jetstream.Msg) {
	var e alerter.Escalation
	if err := json.Unmarshal(m.Data(), &e); err != nil || len(e.AlertIDs) == 0 {
		b.log.Warn("cases: skipping undecodable escalation", "subject", m.Subject(), "err", err)
		_ = m.Term()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ackWait/2)
	defer cancel()
	_, err := b.st.Escalate(ctx, e)
	switch {
	case errors.Is(err, ErrInvalid):
		b.log.Warn("cases: skipping escalation", "id", e.ID, "err", err)
		_ = m.Term()
	case err != nil:
		b.retry(m, "escalation", e.ID, err) // ErrNotFound: its alert is not grouped yet
	default:
		_ = m.Ack()
	}
}

func (b *Builder) report(m jetstream.Msg) {
	var rep alerter.Report
	if err := json.Unmarshal(m.Data(), &rep); err != nil {
		b.log.Warn("cases: skipping undecodable report", "subject", m.Subject(), "err", err)
		_ = m.Term()
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), ackWait/2)
	defer cancel()
	err := b.st.Corroborate(ctx, rep)
	switch {
	case errors.Is(err, ErrInvalid):
		b.log.Warn("cases: skipping report", "id", rep.ID, "err", err)
		_ = m.Term()
	case err != nil:
		b.retry(m, "report", rep.ID, err) // ErrNotFound: its alert is not grouped yet
	default:
		_ = m.Ack()
	}
}

func (b *Builder) retry(m jetstream.Msg, what, id string, err error) {
	if md, mdErr := m.Metadata(); mdErr == nil && md.NumDelivered >= maxDeliver {
		b.log.Error("cases: giving up on "+what, "id", id, "attempts", md.NumDelivered, "err", err)
		_ = m.Term()
		return
	}
	b.log.Debug("cases: retrying "+what, "id", id, "err", err)
	_ = m.NakWithDelay(retryDelay)
}
