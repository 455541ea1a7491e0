package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/netguard"
)

// Errors the API maps to its codes.
var (
	// ErrInvalid: the endpoint's url, secret or events are malformed.
	ErrInvalid = errors.New("invalid webhook")
	// ErrURLRefused: the URL's host is refused by the outbound policy.
	ErrURLRefused = errors.New("webhook URL refused")
	// ErrUnknownEndpoint, ErrUnknownDelivery: no such id.
	ErrUnknownEndpoint = errors.New("unknown webhook endpoint")
	ErrUnknownDelivery = errors.New("unknown webhook delivery")
	// ErrConfigured: the endpoint comes from the config file.
	ErrConfigured = errors.New("webhook endpoint is configured in the config file")
	// ErrEventGone: a redelivery's event is no longer stored (the source
	// stream's retention dropped it).
	ErrEventGone = errors.New("webhook event no longer stored")
	// ErrLimit: as many endpoints as MaxEndpoints already.
	ErrLimit = errors.New("too many webhook endpoints")
)

// Secret bounds. A secret shorter than strongSecret is taken (the
// receiver chose it, and refusing it only sends people to weaker
// workarounds) but answered with a warning and logged.
const (
	minSecret    = 1
	strongSecret = 16
	maxSecret    = 256
	maxURL       = 2048
)

// Endpoint is one receiver, as stored.
type Endpoint struct {
	ID      string    `json:"id"`
	URL     string    `json:"url"`
	Secret  string    `json:"secret"`
	Events  []string  `json:"events"`
	Source  string    `json:"source"`
	Created time.Time `json:"created"`
}

// wire is the endpoint as the API shows it: never its secret.
func (e Endpoint) wire() api.Webhook {
	return api.Webhook{ID: e.ID, URL: e.URL, Events: slices.Clone(e.Events), Source: e.Source, Created: e.Created}
}

// weakSecret is the warning a short secret gets, or "".
func weakSecret(secret string) string {
	if len(secret) >= strongSecret {
		return ""
	}
	return fmt.Sprintf("the secret is %d bytes: anyone who guesses it can forge deliveries; use at least %d random bytes (or leave it out to have one generated)", len(secret), strongSecret)
}

func (e Endpoint) wants(typ string) bool { return slices.Contains(e.Events, typ) }

// check validates url, secret and events, and the URL against the
// policy. A host that does not resolve yet passes: every attempt checks
// again when it dials.
func check(ctx context.Context, guard *netguard.Policy, e Endpoint) error {
	if len(e.URL) > maxURL {
		return fmt.Errorf("%w: url: longer than %d bytes", ErrInvalid, maxURL)
	}
	u, err := url.Parse(e.URL)
	switch {
	case err != nil:
		return fmt.Errorf("%w: url %q: %v", ErrInvalid, e.URL, err)
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("%w: url %q: want an http:// or https:// URL", ErrInvalid, e.URL)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("%w: url %q: no host", ErrInvalid, e.URL)
	case u.User != nil:
		return fmt.Errorf("%w: url: credentials in the URL are not allowed (the signature authenticates earshot)", ErrInvalid)
	case u.Fragment != "":
		return fmt.Errorf("%w: url %q: a fragment is never sent; remove it", ErrInvalid, e.URL)
	}
	if p := u.Port(); p != "" { // url.Parse takes any digits
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("%w: url %q: port %s: want 1 to 65535", ErrInvalid, e.URL, p)
		}
	}
	if n := len(e.Secret); n < minSecret || n > maxSecret {
		return fmt.Errorf("%w: secret: %d bytes, want %d to %d (or leave it out to have one generated)", ErrInvalid, n, minSecret, maxSecret)
	}
	if strings.TrimSpace(e.Secret) == "" {
		return fmt.Errorf("%w: secret: only white space: use random bytes (or leave it out to have one generated)", ErrInvalid)
	}
	if err := api.CheckWebhookEvents(e.Events); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := guard.CheckURL(ctx, e.URL); errors.Is(err, netguard.ErrRefused) || errors.Is(err, netguard.ErrBadHost) {
		return fmt.Errorf("%w: %v", ErrURLRefused, err)
	}
	return nil
}
