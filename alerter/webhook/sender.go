package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/netguard"
)

// sender is this node's share of one endpoint's consumer: one loop
// pulling jobs and at most Concurrency attempts at once.
type sender struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (snd *sender) stop() {
	snd.cancel()
	<-snd.done
}

// startSender starts e's sender; s.mu is held.
func (s *Service) startSender(e Endpoint) {
	ctx, cancel := context.WithCancel(s.ctx)
	snd := &sender{cancel: cancel, done: make(chan struct{})}
	s.senders[e.ID] = snd
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer close(snd.done)
		for ctx.Err() == nil {
			err := s.send(ctx, e)
			if ctx.Err() != nil {
				return
			}
			s.log.Warn("webhook sender stopped; restarting", "webhook", e.ID, "err", err)
			select {
			case <-ctx.Done():
			case <-time.After(time.Second):
			}
		}
	}()
}

// consumerConfig is an endpoint's durable consumer. AckWait covers a job
// waiting for a free slot and its attempt, so a job is taken back only
// from a node that died or hung; the delays between attempts are
// NakWithDelay's, drawn per attempt (jitter, Retry-After), which is why
// the consumer has no BackOff list. MaxDeliver, well above Attempts, stops a
// job that keeps killing its node. InactiveThreshold cleans up after an endpoint that
// was removed from the config file.
func (s *Service) consumerConfig(id string) jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		Durable:           id,
		Description:       "earshot webhook endpoint " + id,
		FilterSubject:     QueueSubject(id),
		AckPolicy:         jetstream.AckExplicitPolicy,
		AckWait:           2*s.opts.Timeout + 10*time.Second,
		MaxDeliver:        2*s.opts.Attempts + 10, // shutdowns hand jobs back uncounted
		MaxAckPending:     max(1000, 4*s.opts.Concurrency),
		InactiveThreshold: 24 * time.Hour,
	}
}

// send runs until ctx ends or the consumer fails.
func (s *Service) send(ctx context.Context, e Endpoint) error {
	c, err := s.js.CreateOrUpdateConsumer(ctx, QueueStream, s.consumerConfig(e.ID))
	if err != nil {
		return err
	}
	it, err := c.Messages(jetstream.PullMaxMessages(s.opts.Concurrency))
	if err != nil {
		return err
	}
	stopped := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			it.Drain() // Next hands out what is buffered, then ends
		case <-stopped:
			it.Stop()
		}
	}()
	defer close(stopped)
	slots := make(chan struct{}, s.opts.Concurrency)
	var inflight sync.WaitGroup
	defer inflight.Wait()
	for {
		select { // a slot first: never hold a job there is no slot for
		case slots <- struct{}{}:
		case <-ctx.Done():
			giveBack(it)
			return ctx.Err()
		}
		msg, err := it.Next()
		if err != nil {
			<-slots
			if errors.Is(err, jetstream.ErrMsgIteratorClosed) {
				return ctx.Err()
			}
			return err
		}
		if ctx.Err() != nil {
			<-slots
			_ = msg.Nak()
			continue
		}
		inflight.Add(1)
		go func() {
			defer inflight.Done()
			defer func() { <-slots }()
			s.deliver(ctx, e, msg)
		}()
	}
}

// giveBack returns the jobs buffered in a draining iterator to the
// queue at once, rather than after AckWait: a restart does not hold them.
func giveBack(it jetstream.MessagesContext) {
	for {
		msg, err := it.Next()
		if err != nil {
			return
		}
		_ = msg.Nak()
	}
}

// outcome is one attempt's result.
type outcome struct {
	status int
	err    string
	ok     bool
	retry  bool
	// after is the receiver's Retry-After, when it gave one.
	after    time.Duration
	hasAfter bool
}

// deliver makes one attempt of a job and settles it: Ack when delivered,
// Term when it must not be retried, NakWithDelay otherwise.
func (s *Service) deliver(ctx context.Context, e Endpoint, msg jetstream.Msg) {
	h := msg.Headers()
	id := h.Get(api.HeaderDelivery)
	gen, _ := strconv.Atoi(h.Get(hdrGeneration))
	rec, _, err := s.records.get(ctx, e.ID, id)
	if errors.Is(err, ErrUnknownDelivery) { // expired, or the fan-out's write was lost
		now := time.Now().UTC()
		rec = record{Delivery: api.Delivery{ID: id, Webhook: e.ID, Event: h.Get(api.HeaderEvent), Subject: h.Get(hdrSubject),
			Status: api.DeliveryPending, Created: now, Redeliveries: gen}}
	} else if err != nil {
		s.log.Warn("webhook delivery record unreadable; retrying", "webhook", e.ID, "delivery", id, "err", err)
		_ = msg.NakWithDelay(time.Second)
		return
	}
	done := rec.Status == api.DeliveryDelivered || rec.Status == api.DeliveryFailed
	switch {
	case gen < rec.Redeliveries, gen == rec.Redeliveries && done:
		_ = msg.Ack() // superseded by a manual redelivery, or settled before its ack was lost
		return
	case gen > rec.Redeliveries: // a redelivery whose record write raced an attempt's
		rec.Redeliveries, rec.Attempts = gen, 0
	}
	_ = msg.InProgress()
	out := s.attempt(ctx, e, id, rec.Event, msg.Data())
	now := time.Now().UTC()
	rec.Attempts++
	if ctx.Err() != nil {
		// Shutting down mid-attempt: the receiver may have seen it, so it
		// counts; another node (or this one, restarted) tries next.
		rec.Status, rec.LastStatus, rec.NextAttempt = api.DeliveryRetrying, 0, now
		rec.LastError = "interrupted: the sending node shut down during the attempt"
		rec.stamp(now)
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		_ = s.records.put(pctx, rec)
		_ = msg.Nak()
		s.stats.Interrupted.Add(1)
		return
	}
	rec.LastStatus, rec.LastError = out.status, out.err
	rec.stamp(now)
	var settle func() error
	switch {
	case out.ok:
		rec.Status, rec.DeliveredAt, rec.NextAttempt = api.DeliveryDelivered, now, time.Time{}
		settle = msg.Ack
		s.stats.Delivered.Add(1)
	case !out.retry || rec.Attempts >= s.opts.Attempts:
		rec.Status, rec.NextAttempt = api.DeliveryFailed, time.Time{}
		if out.retry {
			rec.LastError = fmt.Sprintf("%s (gave up after %d attempts)", out.err, rec.Attempts)
		}
		settle = msg.Term
		s.stats.Failed.Add(1)
	default:
		delay := s.opts.Backoff.Delay(rec.Attempts)
		if out.hasAfter {
			delay = out.after
		}
		rec.Status, rec.NextAttempt = api.DeliveryRetrying, now.Add(delay)
		settle = func() error { return msg.NakWithDelay(delay) }
		s.stats.Retried.Add(1)
	}
	if err := s.records.put(ctx, rec); err != nil {
		s.log.Warn("webhook delivery record not stored", "webhook", e.ID, "delivery", id, "err", err)
	}
	if err := settle(); err != nil {
		s.log.Warn("webhook job not settled; JetStream redelivers it", "webhook", e.ID, "delivery", id, "err", err)
	}
}

// maxAnswer bounds how much of a receiver's answer is read.
const maxAnswer = 64 << 10

// attempt POSTs the body once, signed now.
func (s *Service) attempt(ctx context.Context, e Endpoint, id, event string, body []byte) outcome {
	ctx, cancel := context.WithTimeout(ctx, s.opts.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(body))
	if err != nil {
		return outcome{err: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "earshot-webhooks/1")
	req.Header.Set(api.HeaderDelivery, id)
	req.Header.Set(api.HeaderEvent, event)
	req.Header.Set(api.HeaderSignature, api.SignWebhook([]byte(e.Secret), body, time.Now()))
	resp, err := s.client.Do(req)
	if err != nil {
		switch {
		case errors.Is(err, netguard.ErrRefused):
			return outcome{err: "refused by the outbound address policy: " + err.Error()}
		case ctx.Err() == context.DeadlineExceeded || errors.Is(err, context.DeadlineExceeded):
			return outcome{err: fmt.Sprintf("timed out after %s", s.opts.Timeout), retry: true}
		case netguard.IsConnectFailure(err):
			return outcome{err: "could not connect, or the connection closed before an answer", retry: true}
		}
		return outcome{err: err.Error(), retry: true}
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	out := outcome{status: resp.StatusCode}
	c := resp.StatusCode
	switch {
	case c >= 200 && c < 300:
		out.ok = true
		return out
	case c == http.StatusTooManyRequests || c >= 500:
		out.retry = true
		out.after, out.hasAfter = retryAfter(resp.Header.Get("Retry-After"), time.Now())
	case c >= 300 && c < 400:
		out.err = fmt.Sprintf("HTTP %d: redirects are not followed (to %q); configure the final URL", c, resp.Header.Get("Location"))
		return out
	}
	out.err = fmt.Sprintf("HTTP %d", c)
	if t := strings.TrimSpace(strings.ToValidUTF8(string(answer[:min(len(answer), 200)]), "")); t != "" {
		out.err += ": " + t
	}
	if !out.retry {
		out.err += " (not retried: a 4xx other than 429 means the receiver refuses this delivery)"
	}
	return out
}
