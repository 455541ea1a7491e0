package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/earshot/earshot/alerter/webhook"
	"github.com/earshot/earshot/api"
)

// Webhooks manages webhook endpoints and shows their deliveries
// (*webhook.Service).
type Webhooks interface {
	Create(ctx context.Context, req api.WebhookRequest) (api.Webhook, error)
	List(ctx context.Context) ([]api.Webhook, error)
	Get(ctx context.Context, id string) (api.Webhook, error)
	Delete(ctx context.Context, id string) error
	Deliveries(ctx context.Context, id string, limit int) ([]api.Delivery, error)
	Delivery(ctx context.Context, id, delivery string) (api.Delivery, error)
	Redeliver(ctx context.Context, id, delivery string) (api.Delivery, error)
}

// defaultDeliveryPage is ?limit= left out.
const defaultDeliveryPage = 50

// webhookError answers err with its code.
func webhookError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, webhook.ErrInvalid):
		writeError(w, api.CodeBadWebhook, err.Error())
	case errors.Is(err, webhook.ErrURLRefused):
		writeError(w, api.CodeURLRefused, err.Error())
	case errors.Is(err, webhook.ErrUnknownEndpoint):
		writeError(w, api.CodeUnknownWebhook, err.Error())
	case errors.Is(err, webhook.ErrUnknownDelivery):
		writeError(w, api.CodeUnknownDelivery, err.Error())
	case errors.Is(err, webhook.ErrConfigured):
		writeError(w, api.CodeWebhookConfig, err.Error())
	case errors.Is(err, webhook.ErrEventGone):
		writeError(w, api.CodeEventGone, err.Error())
	case errors.Is(err, webhook.ErrLimit):
		writeError(w, api.CodeWebhookLimit, err.Error())
	default:
		writeError(w, api.CodeWebhooks, err.Error())
	}
}

// maxWebhookBody bounds POST /v1/webhooks: a URL, a secret and five
// event names fit many times over.
const maxWebhookBody = 16 << 10

// webhookBody is api.WebhookRequest as read: a secret sent empty is told
// apart from one left out (which the server generates).
type webhookBody struct {
	URL    string   `json:"url"`
	Secret *string  `json:"secret"`
	Events []string `json:"events"`
}

func (s *Server) postWebhook(w http.ResponseWriter, r *http.Request) {
	var body webhookBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxWebhookBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		if tooBig := new(http.MaxBytesError); errors.As(err, &tooBig) {
			bodyError(w, err, api.CodeBadWebhook, "body")
			return
		}
		writeError(w, api.CodeBadWebhook, `body: want {"url": "https://...", "secret": "...", "events": ["alert", ...]}: `+err.Error())
		return
	}
	if dec.More() {
		writeError(w, api.CodeBadWebhook, "body: one JSON object, nothing after it")
		return
	}
	req := api.WebhookRequest{URL: body.URL, Events: body.Events}
	if body.Secret != nil {
		if strings.TrimSpace(*body.Secret) == "" {
			writeError(w, api.CodeBadWebhook, "secret: empty: send 16 to 256 random bytes, or leave the field out to have one generated")
			return
		}
		req.Secret = *body.Secret
	}
	hook, err := s.opts.Webhooks.Create(r.Context(), req)
	if err != nil {
		webhookError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, hook)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	l, err := s.opts.Webhooks.List(r.Context())
	if err != nil {
		webhookError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, api.WebhookList{Webhooks: l})
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) {
	hook, err := s.opts.Webhooks.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		webhookError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, hook)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	if err := s.opts.Webhooks.Delete(r.Context(), r.PathValue("id")); err != nil {
		webhookError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) {
	if err := onlyParams(r.URL.Query(), "limit"); err != nil {
		writeError(w, api.CodeBadQuery, err.Error())
		return
	}
	limit := defaultDeliveryPage
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > api.MaxDeliveryPage {
			writeError(w, api.CodeBadQuery, fmt.Sprintf("limit %q: want a whole number from 1 to %d", l, api.MaxDeliveryPage))
			return
		}
		limit = n
	}
	l, err := s.opts.Webhooks.Deliveries(r.Context(), r.PathValue("id"), limit)
	if err != nil {
		webhookError(w, err)
		return
	}
	if l == nil {
		l = []api.Delivery{}
	}
	writeJSON(w, http.StatusOK, api.DeliveryList{Deliveries: l})
}

func (s *Server) getDelivery(w http.ResponseWriter, r *http.Request) {
	d, err := s.opts.Webhooks.Delivery(r.Context(), r.PathValue("id"), r.PathValue("delivery"))
	if err != nil {
		webhookError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

func (s *Server) redeliver(w http.ResponseWriter, r *http.Request) {
	d, err := s.opts.Webhooks.Redeliver(r.Context(), r.PathValue("id"), r.PathValue("delivery"))
	if err != nil {
		webhookError(w, err)
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}
