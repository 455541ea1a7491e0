package webhook

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
)

func marshal(e Endpoint) ([]byte, error) { return json.Marshal(e) }

// watchEndpoints loads the API's endpoints and follows every change made
// on any node. It returns once the stored ones are loaded.
func (s *Service) watchEndpoints(ctx context.Context) error {
	w, err := s.endpoints.WatchAll(s.ctx)
	if err != nil {
		return fmt.Errorf("webhooks: watching %s: %w", EndpointBucket, err)
	}
	loaded := make(chan struct{})
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() { _ = w.Stop() }()
		initial := true
		for {
			select {
			case <-s.ctx.Done():
				return
			case e, ok := <-w.Updates():
				if !ok {
					return
				}
				if e == nil { // the stored values are all in
					if initial {
						initial = false
						close(loaded)
					}
					continue
				}
				if e.Operation() != jetstream.KeyValuePut {
					s.forget(e.Key())
					continue
				}
				var ep Endpoint
				if err := json.Unmarshal(e.Value(), &ep); err != nil || !validID(ep.ID) {
					s.log.Error("a stored webhook endpoint cannot be read; it is skipped", "key", e.Key(), "err", err)
					continue
				}
				s.learn(ep)
			}
		}
	}()
	select {
	case <-loaded:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("webhooks: loading the endpoints: %w", ctx.Err())
	}
}

// learn adds or replaces an endpoint and (re)starts its sender.
func (s *Service) learn(e Endpoint) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.known[e.ID]; ok && old.URL == e.URL && old.Secret == e.Secret {
		s.known[e.ID] = e
		return
	}
	s.known[e.ID] = e
	if snd, ok := s.senders[e.ID]; ok {
		snd.stop()
		delete(s.senders, e.ID)
	}
	if s.ctx.Err() == nil {
		s.startSender(e)
	}
}

// forget stops an endpoint's sender.
func (s *Service) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.known, id)
	if snd, ok := s.senders[id]; ok {
		snd.stop()
		delete(s.senders, id)
	}
}
