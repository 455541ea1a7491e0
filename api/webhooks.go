package api

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Webhook event types are what an endpoint subscribes to, and the "type"
// field of every delivery's body; they are the live feeds' event names
// too: EventAlert (earshot.alert.<category>.<room>), EventReminder
// (earshot.room.<room>.reminder), EventEscalation
// (earshot.escalation.<room>), EventDisposition
// (earshot.disposition.<category>.<room>) and EventAppeal
// (earshot.appeal.<room>).

// WebhookEvents are the event types an endpoint may subscribe to.
var WebhookEvents = []string{EventAlert, EventReminder, EventEscalation, EventDisposition, EventAppeal}

// CheckWebhookEvents refuses an empty list and names every unknown or
// repeated type.
func CheckWebhookEvents(events []string) error {
	if len(events) == 0 {
		return fmt.Errorf("events: empty: want one or more of %s", strings.Join(WebhookEvents, ", "))
	}
	var unknown []string
	for i, e := range events {
		if !slices.Contains(WebhookEvents, e) {
			unknown = append(unknown, fmt.Sprintf("%q", e))
		} else if slices.Index(events, e) != i {
			return fmt.Errorf("events: %q is listed twice", e)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("events: unknown event type %s: want one or more of %s",
			strings.Join(unknown, ", "), strings.Join(WebhookEvents, ", "))
	}
	return nil
}

// Delivery headers. Receivers deduplicate on HeaderDelivery: it is the
// same on every attempt (and every manual redelivery) of one event to one
// endpoint.
const (
	HeaderDelivery  = "Earshot-Delivery"
	HeaderSignature = "Earshot-Signature"
	HeaderEvent     = "Earshot-Event"
)

// WebhookRequest is the body of POST /v1/webhooks. Secret may be left out:
// the server then generates one and returns it in the answer, once.
type WebhookRequest struct {
	URL    string   `json:"url"`
	Secret string   `json:"secret,omitempty"`
	Events []string `json:"events"`
}

// Webhook sources.
const (
	WebhookFromAPI    = "api"    // POST /v1/webhooks; DELETE removes it
	WebhookFromConfig = "config" // the config file's webhooks list; only the file removes it
)

// Webhook is an endpoint. Secret is set only in the answer to the POST
// that created it, and only when the server generated it: no other answer
// carries a secret.
type Webhook struct {
	ID      string    `json:"id"`
	URL     string    `json:"url"`
	Events  []string  `json:"events"`
	Source  string    `json:"source"`
	Created time.Time `json:"created,omitzero"`
	Secret  string    `json:"secret,omitempty"`
	// Warning is set on the answer to an endpoint's creation when its
	// secret is weak (shorter than 16 bytes): taken, but worth replacing.
	Warning string `json:"warning,omitempty"`
}

// WebhookList is GET /v1/webhooks.
type WebhookList struct {
	Webhooks []Webhook `json:"webhooks"`
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // queued, not tried yet
	DeliveryRetrying  = "retrying"  // an attempt failed; NextAttempt says when the next one is
	DeliveryDelivered = "delivered" // the receiver answered 2xx
	DeliveryFailed    = "failed"    // a 4xx other than 429, or the last attempt failed: no more attempts
)

// Delivery is one event's delivery to one endpoint.
type Delivery struct {
	ID      string `json:"id"`
	Webhook string `json:"webhook"`
	Event   string `json:"event"`
	// Subject is the NATS subject the event was published on.
	Subject  string `json:"subject"`
	Status   string `json:"status"`
	Attempts int    `json:"attempts"`
	// LastStatus is the receiver's HTTP status of the last attempt (0: no
	// answer); LastError says what went wrong with it.
	LastStatus  int       `json:"last_status,omitempty"`
	LastError   string    `json:"last_error,omitempty"`
	NextAttempt time.Time `json:"next_attempt,omitzero"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
	DeliveredAt time.Time `json:"delivered_at,omitzero"`
	// Redeliveries counts manual redeliveries.
	Redeliveries int `json:"redeliveries,omitempty"`
}

// DeliveryList is GET /v1/webhooks/{id}/deliveries, newest first.
type DeliveryList struct {
	Deliveries []Delivery `json:"deliveries"`
}
