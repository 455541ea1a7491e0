// Package webhooktest is a real HTTP webhook receiver for tests: it
// verifies every signature with api.VerifyWebhook, records every request
// and answers as the test plans, per delivery id and attempt.
//
// It is for tests only: production code must never import it.
package webhooktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/api"
)

// Hang, as a planned status, holds the request until the sender gives up
// (its timeout closes the connection) or the test ends.
const Hang = 0

// Plan answers the attempt-th request (from 1) of a delivery id with a
// status (or Hang) and extra headers.
type Plan func(delivery string, attempt int) (status int, header http.Header)

// OK answers 200 to everything.
func OK(string, int) (int, http.Header) { return http.StatusOK, nil }

// Hit is one request the receiver got.
type Hit struct {
	Delivery, Event string
	Body            map[string]any
	At              time.Time
	Status          int
}

// Receiver is a real HTTP server on loopback.
type Receiver struct {
	*httptest.Server
	secret []byte
	plan   Plan
	closed chan struct{}
	mu     sync.Mutex
	hits   []Hit
	bad    []string
}

// New starts a receiver that verifies signatures made with secret; it is
// closed when the test ends.
func New(t testing.TB, secret string, plan Plan) *Receiver {
	r := &Receiver{secret: []byte(secret), plan: plan, closed: make(chan struct{})}
	r.Server = httptest.NewServer(http.HandlerFunc(r.serve))
	t.Cleanup(func() {
		close(r.closed) // hung handlers return first, or Close would wait for them
		r.Close()
	})
	return r
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	id := req.Header.Get(api.HeaderDelivery)
	h := Hit{Delivery: id, Event: req.Header.Get(api.HeaderEvent), At: time.Now()}
	if err := api.VerifyWebhook(r.secret, req.Header.Get(api.HeaderSignature), body, time.Now()); err != nil {
		r.mu.Lock()
		r.bad = append(r.bad, fmt.Sprintf("%s: %v", id, err))
		r.mu.Unlock()
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	_ = json.Unmarshal(body, &h.Body)
	r.mu.Lock()
	n := 1
	for _, o := range r.hits {
		if o.Delivery == id {
			n++
		}
	}
	status, hdr := r.plan(id, n)
	h.Status = status
	r.hits = append(r.hits, h)
	r.mu.Unlock()
	if status == Hang {
		select {
		case <-req.Context().Done():
		case <-r.closed:
		}
		return
	}
	for k, v := range hdr {
		w.Header()[k] = v
	}
	w.WriteHeader(status)
}

// Hits returns every request so far, and every signature that did not
// verify.
func (r *Receiver) Hits() ([]Hit, []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Hit(nil), r.hits...), append([]string(nil), r.bad...)
}

// Accepted counts the 2xx answers per delivery id: what a receiver that
// deduplicates on Earshot-Delivery processed.
func (r *Receiver) Accepted() map[string]int {
	hits, _ := r.Hits()
	m := map[string]int{}
	for _, h := range hits {
		if h.Status/100 == 2 {
			m[h.Delivery]++
		}
	}
	return m
}
