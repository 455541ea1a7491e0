package natsink

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/earshot/earshot/alerter"
)

// The Observer (the escalation stage: a few KV reads and writes per alert)
// runs off Send's path. On the scan role's path Send is called on a
// partition's goroutine, and every hypothesis of that partition behind an
// alert used to wait for the Observer's round trips. Send now hands the
// observation to one of observerShards queues, chosen by the room, and
// returns; each queue is worked by one goroutine in order, so a room's
// alerts are observed one at a time in the order Send stored them, as
// before. Nothing is dropped: a full queue makes Send
// wait (backpressure, as a slow Observer did before), and Close waits for
// every observation queued.
const (
	observerShards = 4
	// observerQueue is each queue's capacity; an alert queued is ~600
	// bytes the collector scans, so it stays small.
	observerQueue = 256
)

type observation struct {
	a        alerter.Alert
	reminded bool
	at       time.Time
}

type observers struct {
	obs     Observer
	timeout time.Duration
	seed    maphash.Seed
	queues  []chan observation
	wg      sync.WaitGroup
}

func newObservers(obs Observer, timeout time.Duration) *observers {
	o := &observers{obs: obs, timeout: timeout, seed: maphash.MakeSeed(), queues: make([]chan observation, observerShards)}
	for i := range o.queues {
		q := make(chan observation, observerQueue)
		o.queues[i] = q
		o.wg.Go(func() {
			for ob := range q {
				o.run(ob)
			}
		})
	}
	return o
}

// observe queues the observation of a on its room's queue.
func (o *observers) observe(a alerter.Alert, reminded bool, at time.Time) {
	o.queues[maphash.String(o.seed, a.Room)%observerShards] <- observation{a, reminded, at}
}

// run observes one alert with its own deadline: Send's context is gone by
// now.
func (o *observers) run(ob observation) {
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	o.obs.Observe(ctx, ob.a, ob.reminded, ob.at)
}

// close waits for every queued observation; nothing may be queued after.
func (o *observers) close() {
	for _, q := range o.queues {
		close(q)
	}
	o.wg.Wait()
}
