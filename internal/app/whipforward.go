package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// A browser drops Authorization when it follows a redirect to another
// origin (the Fetch standard, since 2023 in Chromium and Firefox), so a
// page publisher sent a 307 to the room's worker arrived there without its
// token and was refused. A WHIP POST that carries Origin (a browser's:
// every browser sends it on a POST fetch) is therefore not redirected but
// forwarded: this node sends the offer on to the worker with the
// publisher's Authorization and relays the answer, its Location made
// absolute on the worker, so the page's PATCH and DELETE go straight to
// the session there (session URLs need no token). Media never passes
// here: the answer's ICE candidates are the worker's. OBS, GStreamer's
// whipsink and other non-browser clients keep the 307, which they follow
// with their headers.

// whipForwardTimeout bounds one forwarded offer (the worker answers once
// its ICE gathering is done: well under a second normally).
const whipForwardTimeout = 10 * time.Second

// whipForwardHops is how many times a forwarded offer follows a worker's
// own 307 (the room changed hands meanwhile) before relaying it.
const whipForwardHops = 2

// maxWHIPAnswer bounds the worker's answer relayed to the browser.
const maxWHIPAnswer = 256 << 10

// forwardedHeaders are the request headers a forwarded offer keeps; the
// worker is not sent Origin (this node answers the browser's CORS).
var forwardedHeaders = []string{"Authorization", "Content-Type", "Content-Length", "If-Match"}

// fromBrowser reports whether a WHIP POST came from a browser page.
func fromBrowser(r *http.Request) bool { return r.Header.Get("Origin") != "" }

// forwardWHIP forwards r's offer to the WHIP endpoint u and relays the
// answer; false (nothing written) when the worker could not be reached.
// The address comes from the worker's own claim in NATS, not from the
// publisher, so it is dialed without the outbound address policy (it is a
// cluster-internal address, often private or loopback).
func (s *Service) forwardWHIP(w http.ResponseWriter, r *http.Request, u *url.URL) bool {
	body, err := io.ReadAll(r.Body) // bounded by the route's body limit
	if err != nil {
		http.Error(w, "whip: reading the offer: "+err.Error(), http.StatusBadRequest)
		return true
	}
	r.Body = io.NopCloser(bytes.NewReader(body)) // for the next worker tried, if this one fails
	ctx, cancel := context.WithTimeout(r.Context(), whipForwardTimeout)
	defer cancel()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var resp *http.Response
	for hop := 0; ; hop++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
		if err != nil {
			s.log.Warn("whip: offer not forwarded", "to", u.Host, "err", err)
			return false
		}
		for _, h := range forwardedHeaders {
			if v := r.Header.Values(h); len(v) > 0 {
				req.Header[h] = v
			}
		}
		resp, err = client.Do(req)
		if err != nil {
			s.log.Warn("whip: offer not forwarded: the room's worker did not answer", "to", u.Host, "err", err)
			return false
		}
		loc, lerr := resp.Location()
		if resp.StatusCode != http.StatusTemporaryRedirect || lerr != nil || hop == whipForwardHops {
			break
		}
		resp.Body.Close()
		u = loc
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxWHIPAnswer+1))
	if err != nil || len(answer) > maxWHIPAnswer {
		s.log.Warn("whip: the worker's answer not relayed", "to", u.Host, "bytes", len(answer), "err", err)
		http.Error(w, "whip: the room's worker answered badly; try again", http.StatusBadGateway)
		return true
	}
	h := w.Header()
	for k, v := range resp.Header {
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Connection", "Date", "Server", "Vary", "Access-Control-Allow-Origin",
			"Access-Control-Expose-Headers", "Access-Control-Allow-Credentials":
			continue
		}
		h[k] = v
	}
	if loc, err := resp.Location(); err == nil { // absolute, on the worker
		h.Set("Location", loc.String())
	}
	h.Set("Content-Length", fmt.Sprint(len(answer)))
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(answer)
	return true
}
