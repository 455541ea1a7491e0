package api

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// MaxDeliveryPage bounds ?limit= of GET /v1/webhooks/{id}/deliveries.
const MaxDeliveryPage = 500

// CreateWebhook adds an endpoint (POST /v1/webhooks; an admin token).
func (c *Client) CreateWebhook(ctx context.Context, req WebhookRequest) (Webhook, error) {
	var w Webhook
	return w, c.sendJSON(ctx, http.MethodPost, "/v1/webhooks", nil, req, &w)
}

// Webhooks lists the endpoints (GET /v1/webhooks).
func (c *Client) Webhooks(ctx context.Context) ([]Webhook, error) {
	var l WebhookList
	return l.Webhooks, c.getJSON(ctx, "/v1/webhooks", nil, &l)
}

// DeleteWebhook removes an API-added endpoint (DELETE /v1/webhooks/{id}).
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, request{method: http.MethodDelete, path: Expand("/v1/webhooks/{id}", id)})
}

// Deliveries lists an endpoint's newest deliveries (limit 0: the
// server's default).
func (c *Client) Deliveries(ctx context.Context, id string, limit int) ([]Delivery, error) {
	var q url.Values
	if limit > 0 {
		q = url.Values{"limit": {strconv.Itoa(limit)}}
	}
	var l DeliveryList
	return l.Deliveries, c.getJSON(ctx, Expand("/v1/webhooks/{id}/deliveries", id), q, &l)
}

// Redeliver queues a delivery again.
func (c *Client) Redeliver(ctx context.Context, id, delivery string) (Delivery, error) {
	var d Delivery
	return d, c.do(ctx, request{method: http.MethodPost,
		path: Expand("/v1/webhooks/{id}/deliveries/{delivery}/redeliver", id, delivery), out: &d})
}
