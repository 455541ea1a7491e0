package api

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

const yamlType = "application/yaml"

// ActiveLexicon returns the live lexicon version (GET /v1/lexicons/active).
func (c *Client) ActiveLexicon(ctx context.Context) (ActiveLexicon, error) {
	var a ActiveLexicon
	return a, c.getJSON(ctx, "/v1/lexicons/active", nil, &a)
}

// LexiconSchema is the closed vocabularies: categories, severities,
// languages, pattern kinds, room states and pull schemes (GET
// /v1/lexicons/schema).
func (c *Client) LexiconSchema(ctx context.Context) (LexiconSchema, error) {
	var s LexiconSchema
	return s, c.getJSON(ctx, "/v1/lexicons/schema", nil, &s)
}

// Lexicons lists every published version (GET /v1/lexicons).
func (c *Client) Lexicons(ctx context.Context) ([]LexiconSummary, error) {
	var l LexiconList
	return l.Versions, c.getJSON(ctx, "/v1/lexicons", nil, &l)
}

// Lexicon returns version n with its YAML and diff (GET
// /v1/lexicons/{version}).
func (c *Client) Lexicon(ctx context.Context, n int) (LexiconVersion, error) {
	var v LexiconVersion
	if n <= 0 {
		return v, fmt.Errorf("lexicon version %d: want a positive number", n)
	}
	return v, c.getJSON(ctx, Expand("/v1/lexicons/{version}", strconv.Itoa(n)), nil, &v)
}

// ExportLexicon returns version n as YAML, or the live version for n = 0.
func (c *Client) ExportLexicon(ctx context.Context, n int) ([]byte, error) {
	path := "/v1/lexicons/active"
	switch {
	case n > 0:
		path = Expand("/v1/lexicons/{version}", strconv.Itoa(n))
	case n < 0:
		return nil, fmt.Errorf("lexicon version %d: want a positive number, or 0 for the live one", n)
	}
	var yml []byte
	return yml, c.do(ctx, request{method: http.MethodGet, path: path, query: url.Values{"format": {"yaml"}},
		accept: yamlType, raw: &yml, rawType: yamlType})
}

// DiffLexicon compares version n with version against (0: the version n
// replaced) (GET /v1/lexicons/{version}/diff).
func (c *Client) DiffLexicon(ctx context.Context, n, against int) (DiffResult, error) {
	var d DiffResult
	if n <= 0 {
		return d, fmt.Errorf("lexicon version %d: want a positive number", n)
	}
	q := url.Values{}
	if against > 0 {
		q.Set("against", strconv.Itoa(against))
	}
	return d, c.getJSON(ctx, Expand("/v1/lexicons/{version}/diff", strconv.Itoa(n)), q, &d)
}

// LexiconAudit returns the lexicon audit log (GET /v1/lexicons/audit).
func (c *Client) LexiconAudit(ctx context.Context) ([]AuditEntry, error) {
	var l AuditLog
	return l.Entries, c.getJSON(ctx, "/v1/lexicons/audit", nil, &l)
}

// ValidateLexicon validates a draft and diffs it against the live version
// (POST /v1/lexicons/validate). An invalid draft is a ValidateResult with
// Valid false, not an error.
func (c *Client) ValidateLexicon(ctx context.Context, yaml []byte) (ValidateResult, error) {
	var v ValidateResult
	return v, c.sendJSON(ctx, http.MethodPost, "/v1/lexicons/validate", nil, DraftRequest{YAML: string(yaml)}, &v)
}

// TestLexicon matches text with a draft, or with the live version when yaml
// is empty (POST /v1/lexicons/test).
func (c *Client) TestLexicon(ctx context.Context, yaml []byte, text string) (TestResult, error) {
	var t TestResult
	return t, c.sendJSON(ctx, http.MethodPost, "/v1/lexicons/test", nil, DraftRequest{YAML: string(yaml), Text: text}, &t)
}

// Backtest runs a draft over stored transcripts against the live version
// (POST /v1/lexicons/backtest).
func (c *Client) Backtest(ctx context.Context, br BacktestRequest) (BacktestReport, error) {
	d := DraftRequest{YAML: string(br.YAML)}
	if !br.From.IsZero() {
		d.From = br.From.Format(time.RFC3339)
	}
	if !br.To.IsZero() {
		d.To = br.To.Format(time.RFC3339)
	}
	var rep BacktestReport
	return rep, c.sendJSON(ctx, http.MethodPost, "/v1/lexicons/backtest", nil, d, &rep)
}

// ImportCSV turns a CSV word list (phrase, category, severity, language,
// reminder, allow) into lexicon YAML named name (POST /v1/lexicons/import).
func (c *Client) ImportCSV(ctx context.Context, name string, csv io.Reader) ([]byte, error) {
	q := url.Values{}
	setNonEmpty(q, "name", name)
	var yml []byte
	return yml, c.do(ctx, request{method: http.MethodPost, path: "/v1/lexicons/import", query: q, body: csv,
		ctype: "text/csv", accept: yamlType, raw: &yml, rawType: yamlType})
}

// Publish validates a draft and publishes it as the next version (POST
// /v1/lexicons; a policy token). The answer comes once this server matches
// with the new version.
func (c *Client) Publish(ctx context.Context, pr PublishRequest) (LexiconSummary, error) {
	var s LexiconSummary
	d := DraftRequest{YAML: string(pr.YAML), Message: pr.Message, Author: pr.Author, Base: pr.Base, Force: pr.Force}
	return s, c.sendJSON(ctx, http.MethodPost, "/v1/lexicons", nil, d, &s)
}

// PublishYAML publishes a raw YAML body, the message in the query string:
// the form curl users send.
func (c *Client) PublishYAML(ctx context.Context, yaml []byte, message string) (LexiconSummary, error) {
	var s LexiconSummary
	q := url.Values{}
	setNonEmpty(q, "message", message)
	return s, c.do(ctx, request{method: http.MethodPost, path: "/v1/lexicons", query: q, body: bytesReader(yaml),
		ctype: yamlType, out: &s})
}

// Rollback publishes an old version again as the next version (POST
// /v1/lexicons/rollback; a policy token).
func (c *Client) Rollback(ctx context.Context, rr RollbackRequest) (LexiconSummary, error) {
	var s LexiconSummary
	if rr.Version <= 0 {
		return s, fmt.Errorf("rollback: version %d: want a positive number", rr.Version)
	}
	d := DraftRequest{Version: rr.Version, Message: rr.Message, Author: rr.Author, Force: rr.Force}
	return s, c.sendJSON(ctx, http.MethodPost, "/v1/lexicons/rollback", nil, d, &s)
}
