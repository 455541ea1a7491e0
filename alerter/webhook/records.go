package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/api"
)

// record is a delivery's state in DeliveryBucket: the API's Delivery and
// where its event is stored, for a manual redelivery.
type record struct {
	api.Delivery
	SourceStream string `json:"source_stream"`
	SourceSeq    uint64 `json:"source_seq"`
}

// records is DeliveryBucket. Only the node holding a job writes its
// record (the redelivery route aside), so plain puts suffice.
type records struct{ kv jetstream.KeyValue }

func recordKey(endpoint, delivery string) string { return endpoint + "." + delivery }

func (r records) get(ctx context.Context, endpoint, delivery string) (record, uint64, error) {
	e, err := r.kv.Get(ctx, recordKey(endpoint, delivery))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return record{}, 0, ErrUnknownDelivery
	}
	if err != nil {
		return record{}, 0, err
	}
	var rec record
	if err := json.Unmarshal(e.Value(), &rec); err != nil {
		return record{}, 0, fmt.Errorf("delivery record %s: %w", e.Key(), err)
	}
	return rec, e.Revision(), nil
}

func (r records) put(ctx context.Context, rec record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = r.kv.Put(ctx, recordKey(rec.Webhook, rec.ID), b)
	return err
}

// create stores a new record; one that exists (the fan-out saw the event
// again) is kept as it is.
func (r records) create(ctx context.Context, rec record) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = r.kv.Create(ctx, recordKey(rec.Webhook, rec.ID), b)
	if errors.Is(err, jetstream.ErrKeyExists) {
		return nil
	}
	return err
}

// update stores rec if the record is still at revision rev.
func (r records) update(ctx context.Context, rec record, rev uint64) error {
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	_, err = r.kv.Update(ctx, recordKey(rec.Webhook, rec.ID), b, rev)
	return err
}

// list returns the newest limit records of endpoint, newest first.
// Delivery ids sort by the event's time.
func (r records) list(ctx context.Context, endpoint string, limit int) ([]api.Delivery, error) {
	lister, err := r.kv.ListKeysFiltered(ctx, endpoint+".*")
	if err != nil {
		return nil, err
	}
	var keys []string
	for k := range lister.Keys() {
		keys = append(keys, k)
	}
	_ = lister.Stop() // the listing is complete; Stop only ends its subscription
	slices.Sort(keys)
	slices.Reverse(keys)
	keys = keys[:min(limit, len(keys))]
	out := make([]api.Delivery, 0, len(keys))
	for _, k := range keys {
		e, err := r.kv.Get(ctx, k)
		if errors.Is(err, jetstream.ErrKeyNotFound) {
			continue // expired meanwhile
		}
		if err != nil {
			return nil, err
		}
		var rec record
		if err := json.Unmarshal(e.Value(), &rec); err != nil {
			return nil, fmt.Errorf("delivery record %s: %w", k, err)
		}
		out = append(out, rec.Delivery)
	}
	return out, nil
}

// purge drops every record of endpoint (it was deleted).
func (r records) purge(ctx context.Context, js jetstream.JetStream, endpoint string) error {
	st, err := js.Stream(ctx, "KV_"+DeliveryBucket)
	if err != nil {
		return err
	}
	return st.Purge(ctx, jetstream.WithPurgeSubject("$KV."+DeliveryBucket+"."+endpoint+".>"))
}

// stamp sets the record's times.
func (rec *record) stamp(now time.Time) {
	rec.Updated = now
	if rec.Created.IsZero() {
		rec.Created = now
	}
}
