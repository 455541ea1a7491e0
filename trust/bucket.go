package trust

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// Bucket holds the ledger: d.<kind>.<id token>.<date> (Day), r.<alert id
// token> (Record), room.<room> (RoomInfo), c.<stream> (the last sequence
// of each stream the ledger flushed) and p.<merchant token> (the score
// last published).
const Bucket = "EARSHOT_TRUST"

// BucketOptions shape the bucket.
type BucketOptions struct {
	// Window and History in days: entries live Window + History + 2 days
	// after their last write, so the charted history has full windows and
	// old days expire without a sweep.
	Window, History int
	Replicas        int
	MaxBytes        int64
}

// EnsureBucket creates or updates the ledger's bucket.
func EnsureBucket(ctx context.Context, js jetstream.JetStream, o BucketOptions) (jetstream.KeyValue, error) {
	w, h := o.Window, o.History
	if w <= 0 {
		w = DefaultWindowDays
	}
	if h <= 0 {
		h = DefaultHistoryDays
	}
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{
		Bucket:      Bucket,
		Description: "earshot trust ledger: per anchor and merchant, per day",
		History:     1,
		TTL:         time.Duration(w+h+2) * 24 * time.Hour,
		MaxBytes:    o.MaxBytes,
		Storage:     jetstream.FileStorage,
		Replicas:    max(o.Replicas, 1),
	})
	if err != nil {
		return nil, fmt.Errorf("trust: ensure bucket %s: %w", Bucket, err)
	}
	return kv, nil
}

// Watch feeds v from the bucket until ctx ends: the latest value of every
// day entry first, then every change, on every node that answers the API.
// ready is closed once the initial values are in.
func Watch(ctx context.Context, kv jetstream.KeyValue, v *View, log *slog.Logger, ready chan<- struct{}) error {
	w, err := kv.Watch(ctx, "d.>")
	if err != nil {
		return fmt.Errorf("trust: watch %s: %w", Bucket, err)
	}
	go func() {
		defer func() { _ = w.Stop() }()
		prune := time.NewTicker(time.Hour)
		defer prune.Stop()
		once := false
		for {
			select {
			case <-ctx.Done():
				return
			case <-prune.C:
				v.Prune()
			case e, ok := <-w.Updates():
				if !ok {
					if ctx.Err() == nil {
						log.Warn("trust: bucket watch ended")
					}
					return
				}
				if e == nil {
					v.MarkReady()
					if !once && ready != nil {
						close(ready)
					}
					once = true
					continue
				}
				switch e.Operation() {
				case jetstream.KeyValuePut:
					v.put(e.Key(), e.Value(), e.Revision())
				case jetstream.KeyValueDelete, jetstream.KeyValuePurge:
					v.drop(e.Key())
				}
			}
		}
	}()
	return nil
}

// kvLoad reads a key for the cache.
func kvLoad(ctx context.Context, kv jetstream.KeyValue) loadFunc {
	return func(key string) ([]byte, uint64, bool, error) {
		cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		e, err := kv.Get(cctx, key)
		switch {
		case errors.Is(err, jetstream.ErrKeyNotFound):
			return nil, 0, false, nil
		case err != nil:
			return nil, 0, false, fmt.Errorf("trust: read %s: %w", key, err)
		}
		return e.Value(), e.Revision(), true, nil
	}
}

// errConflict: another writer changed a key since it was read (a former
// leader still finishing its batch): the batch is applied again.
var errConflict = errors.New("trust: entry changed by another writer")

func isConflict(err error) bool {
	return errors.Is(err, jetstream.ErrKeyExists) || strings.Contains(err.Error(), "wrong last sequence")
}
