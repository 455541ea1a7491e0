package lease

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

func (t *Table) renewLoop() {
	tick := time.NewTicker(t.opts.TTL / 3)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			t.renewAll()
			t.retakeKept()
		}
	}
}

// renewParallel bounds the renewals in flight at once: one after the
// other, a few hundred claims on a loaded server would not all be renewed
// within TTL*2/3 and their holder would fence itself.
const renewParallel = 16

func (t *Table) renewAll() {
	sem := make(chan struct{}, renewParallel)
	var wg sync.WaitGroup
	for _, k := range t.Held() {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			t.renew(k)
		})
	}
	wg.Wait()
}

// renew updates k at the revision this holder wrote last, unless a
// renewal of k is in flight.
func (t *Table) renew(k string) {
	t.mu.Lock()
	h, ok := t.held[k]
	if !ok || h.renewing {
		t.mu.Unlock()
		return
	}
	h.renewing = true
	rev := h.rev
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), t.opts.TTL/3)
	nrev, err := t.kv.Update(ctx, k, t.value(), rev)
	cancel()
	t.mu.Lock()
	h.renewing = false
	if t.held[k] != h { // released meanwhile: the release deleted at rev,
		t.mu.Unlock() // which this renewal may have outdated
		if err == nil {
			t.finishRelease(k, nrev)
		}
		return
	}
	if err == nil {
		h.rev, h.renewed = nrev, time.Now()
		t.mu.Unlock()
		return
	}
	fenced := time.Since(h.renewed) >= t.opts.TTL*2/3
	lost := fenced || errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyNotFound) || isWrongLastSeq(err)
	if lost {
		delete(t.held, k)
	}
	t.mu.Unlock()
	if lost {
		t.opts.Logger.Warn("lease lost", "bucket", t.opts.Bucket, "key", k, "err", err)
		t.opts.OnLost(k)
	}
}

// finishRelease deletes k at rev, written by a renewal that crossed k's
// release (whose delete, at the revision before, then failed).
func (t *Table) finishRelease(k string, rev uint64) {
	ctx, cancel := context.WithTimeout(context.Background(), t.opts.TTL/3)
	defer cancel()
	err := t.kv.Delete(ctx, k, jetstream.LastRevision(rev))
	if err != nil && !isWrongLastSeq(err) {
		t.opts.Logger.Warn("lease not released; it expires by itself", "bucket", t.opts.Bucket, "key", k, "err", err)
	}
}

// retakeKept takes again every kept key that is not held.
func (t *Table) retakeKept() {
	t.mu.Lock()
	var lost []string
	for k := range t.keep {
		if _, ok := t.held[k]; !ok {
			lost = append(lost, k)
		}
	}
	t.mu.Unlock()
	for _, k := range lost {
		ctx, cancel := context.WithTimeout(context.Background(), t.opts.TTL/3)
		if err := t.retake(ctx, k); err == nil {
			t.opts.Logger.Info("lease taken again", "bucket", t.opts.Bucket, "key", k)
		}
		cancel()
	}
}

func isWrongLastSeq(err error) bool {
	var apiErr *jetstream.APIError
	return errors.As(err, &apiErr) && (apiErr.ErrorCode == jetstream.JSErrCodeStreamWrongLastSequence || apiErr.ErrorCode == 10164)
}
