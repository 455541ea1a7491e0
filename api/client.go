package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client limits.
const (
	// DefaultTimeout bounds one call when WithTimeout is not given.
	DefaultTimeout = time.Minute
	// MaxResponseBytes bounds a response body the client reads: the
	// largest answers are lexicon versions (16 MiB of YAML at most) and
	// search pages.
	MaxResponseBytes = 64 << 20
	// maxErrorText bounds how much of a non-JSON error body goes into an
	// Error's message.
	maxErrorText = 200
)

// Client calls one earshot server's HTTP API. It is safe for concurrent
// use. Every method takes a context first and returns *Error for a non-2xx
// answer.
type Client struct {
	base    *url.URL
	token   string
	hc      *http.Client
	timeout time.Duration
}

// Option configures a Client.
type Option func(*Client)

// WithToken sends token as "Authorization: Bearer" on every request.
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithHTTPClient uses hc instead of http.DefaultClient.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithTimeout bounds each call (DefaultTimeout without it); 0 leaves the
// bound to the caller's context.
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// New returns a client of the server at baseURL ("http://127.0.0.1:8080").
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: want http://host:port or https://host", baseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("server URL %q: want no query or fragment", baseURL)
	}
	c := &Client{base: u, hc: http.DefaultClient, timeout: DefaultTimeout}
	for _, o := range opts {
		o(c)
	}
	return c, nil
}

// BaseURL is the server's URL as given to New, without a trailing slash.
func (c *Client) BaseURL() string { return c.base.String() }

// HasToken reports whether the client sends a token.
func (c *Client) HasToken() bool { return c.token != "" }

// request is one call: what to send and where the answer goes.
type request struct {
	method, path string
	query        url.Values
	body         io.Reader
	ctype        string
	accept       string
	// out receives a JSON answer; raw, if set, the answer's bytes instead.
	out any
	raw *[]byte
	// rawType, if set, is the Content-Type a raw answer must have.
	rawType string
	// status, if set, receives the 2xx status (or alsoOK).
	status *int
	// alsoOK, if set, is a non-2xx status whose body is the answer, not an
	// error envelope (503 from /readyz).
	alsoOK int
}

func (c *Client) do(ctx context.Context, r request) error {
	if c.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, c.timeout)
		defer cancel()
	}
	target := c.base.String() + r.path
	if len(r.query) > 0 {
		target += "?" + r.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, r.method, target, r.body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	if r.ctype != "" {
		req.Header.Set("Content-Type", r.ctype)
	}
	if r.accept != "" {
		req.Header.Set("Accept", r.accept)
	} else {
		req.Header.Set("Accept", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", r.method, r.path, err)
	}
	defer resp.Body.Close()
	data, err := readLimited(resp.Body, MaxResponseBytes)
	if err != nil {
		return fmt.Errorf("%s %s: reading the answer: %w", r.method, r.path, err)
	}
	if resp.StatusCode/100 != 2 && (r.alsoOK == 0 || resp.StatusCode != r.alsoOK) {
		return decodeError(r.method, r.path, resp.StatusCode, data)
	}
	if r.status != nil {
		*r.status = resp.StatusCode
	}
	if r.raw != nil {
		if r.rawType != "" && !strings.HasPrefix(resp.Header.Get("Content-Type"), r.rawType) {
			return fmt.Errorf("%s %s: answer is %q, want %s", r.method, r.path, resp.Header.Get("Content-Type"), r.rawType)
		}
		*r.raw = data
		return nil
	}
	if r.out == nil {
		return nil
	}
	if err := json.Unmarshal(data, r.out); err != nil {
		return fmt.Errorf("%s %s: answer is not the expected JSON: %w", r.method, r.path, err)
	}
	return nil
}

func readLimited(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("answer is larger than %d bytes", limit)
	}
	return data, nil
}

func decodeError(method, path string, status int, data []byte) *Error {
	e := &Error{Status: status, Method: method, Path: path}
	var env ErrorResponse
	if json.Unmarshal(data, &env) == nil && env.Error.Code != "" {
		e.Code, e.Message, e.Problems = env.Error.Code, env.Error.Message, env.Error.Errors
		return e
	}
	text := strings.TrimSpace(string(data))
	if len(text) > maxErrorText {
		text = strings.ToValidUTF8(text[:maxErrorText], "") + "…" // never half a character
	}
	if text == "" {
		text = http.StatusText(status)
	}
	e.Message = text
	return e
}

// getJSON and sendJSON are the common shapes of a call.
func (c *Client) getJSON(ctx context.Context, path string, q url.Values, out any) error {
	return c.do(ctx, request{method: http.MethodGet, path: path, query: q, out: out})
}

func (c *Client) sendJSON(ctx context.Context, method, path string, q url.Values, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return fmt.Errorf("%s %s: encoding the body: %w", method, path, err)
	}
	return c.do(ctx, request{method: method, path: path, query: q, body: bytes.NewReader(body),
		ctype: "application/json", out: out})
}

func escapeSegment(s string) string { return url.PathEscape(s) }
