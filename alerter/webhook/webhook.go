package webhook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/netguard"
)

// Options configure a Service. Zero values take the defaults of
// config.WebhookDelivery.
type Options struct {
	// Guard checks every URL, when it is added and on every dial.
	Guard *netguard.Policy
	// Configured are the config file's endpoints (id and source are set
	// here).
	Configured []Endpoint
	// Timeout bounds one attempt (5 s).
	Timeout time.Duration
	// Attempts is the tries of one delivery (12); Backoff the delays
	// between them (10 s doubling to 15 min).
	Attempts int
	Backoff  Backoff
	// Concurrency is the attempts to one endpoint this node makes at once (4).
	Concurrency int
	// MaxEndpoints bounds the endpoints (100); MaxBacklog the jobs queued
	// for one endpoint (10000).
	MaxEndpoints int
	MaxBacklog   int
	// History keeps delivery records this long (7 days).
	History time.Duration
	// Replicas and the MaxBytes bound the streams and buckets.
	Replicas                                      int
	QueueMaxBytes, DeliveryMaxBytes, EndpointsMax int64
	Logger                                        *slog.Logger
}

func (o *Options) defaults() {
	if o.Guard == nil {
		o.Guard = netguard.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Attempts <= 0 {
		o.Attempts = 12
	}
	if o.Backoff.Min <= 0 {
		o.Backoff.Min = 10 * time.Second
	}
	if o.Backoff.Max < o.Backoff.Min {
		o.Backoff.Max = max(o.Backoff.Min, 15*time.Minute)
	}
	if o.Concurrency <= 0 {
		o.Concurrency = 4
	}
	if o.MaxEndpoints <= 0 {
		o.MaxEndpoints = 100
	}
	if o.MaxBacklog <= 0 {
		o.MaxBacklog = 10000
	}
	if o.History <= 0 {
		o.History = 7 * 24 * time.Hour
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
}

// Service runs the fan-out and the endpoints' senders on one node and
// answers the webhook API. Every api node runs one; they share the work
// through the durable consumers.
type Service struct {
	opts      Options
	js        jetstream.JetStream
	log       *slog.Logger
	queue     jetstream.Stream
	endpoints jetstream.KeyValue
	records   records
	client    *http.Client
	ctx       context.Context // cancelled by Close: every loop and attempt
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	stats     Stats

	mu      sync.Mutex
	known   map[string]Endpoint // config and API endpoints by id
	senders map[string]*sender
}

// New makes the streams, buckets and consumers, loads the endpoints and
// starts delivering. nc stays the caller's.
func New(ctx context.Context, nc *nats.Conn, opts Options) (*Service, error) {
	opts.defaults()
	js, err := jetstream.New(nc)
	if err != nil {
		return nil, err
	}
	s := &Service{opts: opts, js: js, log: opts.Logger.With("component", "webhooks"),
		known: map[string]Endpoint{}, senders: map[string]*sender{}}
	s.client = &http.Client{
		Transport: opts.Guard.Transport(),
		// A receiver that redirects is misconfigured: say so rather than
		// send the signed body somewhere else.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	if err := s.ensure(ctx); err != nil {
		return nil, err
	}
	for i, e := range opts.Configured {
		e.ID, e.Source = configEndpointID(e.URL), api.WebhookFromConfig
		if err := check(ctx, opts.Guard, e); err != nil {
			return nil, fmt.Errorf("config: webhooks[%d]: %w", i, err)
		}
		s.known[e.ID] = e
	}
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := s.watchEndpoints(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.mu.Lock()
	for _, e := range s.known {
		s.startSender(e)
	}
	s.mu.Unlock()
	if err := s.startFanout(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// ensure makes the queue stream and the two buckets.
func (s *Service) ensure(ctx context.Context) error {
	o := s.opts
	var err error
	s.queue, err = s.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name:        QueueStream,
		Description: "earshot webhook deliveries waiting for their endpoint, one subject per endpoint",
		Subjects:    []string{QueueSubjectPrefix + ".*"},
		Retention:   jetstream.WorkQueuePolicy,
		Storage:     jetstream.FileStorage,
		// A full endpoint refuses its own new jobs, nobody else's.
		Discard: jetstream.DiscardNew, DiscardNewPerSubject: true,
		MaxMsgsPerSubject: int64(o.MaxBacklog),
		MaxAge:            o.History,
		MaxBytes:          o.QueueMaxBytes,
		MaxMsgSize:        1 << 20,
		Duplicates:        2 * time.Minute,
		Replicas:          max(o.Replicas, 1),
	})
	if err != nil {
		return fmt.Errorf("webhooks: stream %s: %w", QueueStream, err)
	}
	s.endpoints, err = s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: EndpointBucket, Description: "earshot webhook endpoints added with POST /v1/webhooks",
		History: 1, Storage: jetstream.FileStorage, Replicas: max(o.Replicas, 1), MaxBytes: o.EndpointsMax,
	})
	if err != nil {
		return fmt.Errorf("webhooks: bucket %s: %w", EndpointBucket, err)
	}
	kv, err := s.js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket: DeliveryBucket, Description: "earshot webhook delivery state: status, attempts, last error",
		History: 1, TTL: o.History, Storage: jetstream.FileStorage, Replicas: max(o.Replicas, 1), MaxBytes: o.DeliveryMaxBytes,
	})
	if err != nil {
		return fmt.Errorf("webhooks: bucket %s: %w", DeliveryBucket, err)
	}
	s.records = records{kv}
	return nil
}

// Close stops the fan-out and the senders and waits for attempts in
// flight; a job whose attempt is cut short goes back to the queue.
func (s *Service) Close() {
	if s.cancel != nil {
		s.cancel() // first: no sender starts after this
	}
	s.mu.Lock()
	for id, snd := range s.senders {
		snd.stop()
		delete(s.senders, id)
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// matching returns the endpoints that want typ.
func (s *Service) matching(typ string) []Endpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Endpoint
	for _, e := range s.known {
		if e.wants(typ) {
			out = append(out, e)
		}
	}
	return out
}

func (s *Service) endpoint(id string) (Endpoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.known[id]
	return e, ok
}

// Create adds an endpoint (POST /v1/webhooks). A generated secret is in
// the answer, once.
func (s *Service) Create(ctx context.Context, req api.WebhookRequest) (api.Webhook, error) {
	e := Endpoint{ID: newEndpointID(), URL: strings.TrimSpace(req.URL), Secret: req.Secret,
		Events: req.Events, Source: api.WebhookFromAPI, Created: time.Now().UTC()}
	generated := e.Secret == ""
	if generated {
		e.Secret = newSecret()
	}
	if err := check(ctx, s.opts.Guard, e); err != nil {
		return api.Webhook{}, err
	}
	s.mu.Lock()
	n := len(s.known)
	s.mu.Unlock()
	if n >= s.opts.MaxEndpoints {
		return api.Webhook{}, fmt.Errorf("%w: %d of webhook_delivery.max_endpoints %d", ErrLimit, n, s.opts.MaxEndpoints)
	}
	b, err := marshal(e)
	if err != nil {
		return api.Webhook{}, err
	}
	if _, err := s.endpoints.Create(ctx, e.ID, b); err != nil {
		return api.Webhook{}, fmt.Errorf("webhooks: storing the endpoint: %w", err)
	}
	s.learn(e) // now, not when the watch catches up: the next event goes to it
	w := e.wire()
	if generated {
		w.Secret = e.Secret
	}
	if w.Warning = weakSecret(e.Secret); w.Warning != "" {
		s.log.Warn("SECURITY: webhook endpoint added with a short secret", "endpoint", e.ID, "url", e.URL, "bytes", len(e.Secret))
	}
	return w, nil
}

// List returns every endpoint, oldest first (GET /v1/webhooks).
func (s *Service) List(context.Context) ([]api.Webhook, error) {
	s.mu.Lock()
	out := make([]api.Webhook, 0, len(s.known))
	for _, e := range s.known {
		out = append(out, e.wire())
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b api.Webhook) int {
		if c := a.Created.Compare(b.Created); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// Get returns one endpoint.
func (s *Service) Get(_ context.Context, id string) (api.Webhook, error) {
	e, ok := s.endpoint(id)
	if !ok {
		return api.Webhook{}, fmt.Errorf("%w %q", ErrUnknownEndpoint, id)
	}
	return e.wire(), nil
}

// Delete removes an API endpoint, its queued jobs and its records
// (DELETE /v1/webhooks/{id}).
func (s *Service) Delete(ctx context.Context, id string) error {
	e, ok := s.endpoint(id)
	switch {
	case !ok:
		return fmt.Errorf("%w %q", ErrUnknownEndpoint, id)
	case e.Source == api.WebhookFromConfig:
		return fmt.Errorf("%w: %s (%s)", ErrConfigured, id, e.URL)
	}
	if err := s.endpoints.Delete(ctx, id); err != nil {
		return fmt.Errorf("webhooks: deleting the endpoint: %w", err)
	}
	s.forget(id)
	if err := s.js.DeleteConsumer(ctx, QueueStream, id); err != nil && !errors.Is(err, jetstream.ErrConsumerNotFound) {
		s.log.Warn("deleting a webhook's consumer", "webhook", id, "err", err)
	}
	if err := s.queue.Purge(ctx, jetstream.WithPurgeSubject(QueueSubject(id))); err != nil {
		s.log.Warn("purging a webhook's queue", "webhook", id, "err", err)
	}
	if err := s.records.purge(ctx, s.js, id); err != nil {
		s.log.Warn("purging a webhook's delivery records", "webhook", id, "err", err)
	}
	return nil
}

// Deliveries returns an endpoint's newest limit deliveries, newest first.
func (s *Service) Deliveries(ctx context.Context, id string, limit int) ([]api.Delivery, error) {
	if _, ok := s.endpoint(id); !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownEndpoint, id)
	}
	return s.records.list(ctx, id, limit)
}

// Delivery returns one delivery.
func (s *Service) Delivery(ctx context.Context, id, delivery string) (api.Delivery, error) {
	rec, _, err := s.record(ctx, id, delivery)
	return rec.Delivery, err
}

// record reads one delivery's record of a known endpoint.
func (s *Service) record(ctx context.Context, id, delivery string) (record, uint64, error) {
	if _, ok := s.endpoint(id); !ok {
		return record{}, 0, fmt.Errorf("%w %q", ErrUnknownEndpoint, id)
	}
	if !validID(delivery) {
		return record{}, 0, fmt.Errorf("%w %q", ErrUnknownDelivery, delivery)
	}
	rec, rev, err := s.records.get(ctx, id, delivery)
	if errors.Is(err, ErrUnknownDelivery) {
		return record{}, 0, fmt.Errorf("%w %q", ErrUnknownDelivery, delivery)
	}
	return rec, rev, err
}

// eventStreams are the streams events are read from.
var eventStreams = []struct {
	name    string
	filters []string
}{
	{alerter.AlertStream, []string{alerter.AlertSubjects}},
	{alerter.EventStream, sourceSubjects},
}
