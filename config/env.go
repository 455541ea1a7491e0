package config

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/nats-io/nkeys"
)

// ApplyEnv overlays EARSHOT_* variables read through getenv (os.Getenv in
// production, a map in tests).
func (c *Config) ApplyEnv(getenv func(string) string) error {
	str := map[string]*string{
		"EARSHOT_DATA":           &c.DataDir,
		"EARSHOT_HTTP":           &c.HTTP.Addr,
		"EARSHOT_NATS_URL":       &c.NATS.URL,
		"EARSHOT_NATS":           &c.NATS.Listen,
		"EARSHOT_NATS_CREDS":     &c.NATS.CredsFile,
		"EARSHOT_NATS_TLS_CERT":  &c.NATS.TLS.CertFile,
		"EARSHOT_NATS_TLS_KEY":   &c.NATS.TLS.KeyFile,
		"EARSHOT_NATS_TLS_CA":    &c.NATS.TLS.CAFile,
		"EARSHOT_NATS_CLIENT_CA": &c.NATS.ClientTLS.CAFile,
		"EARSHOT_LEXICON":        &c.Lexicon.File,
		"EARSHOT_RECOGNIZER":     &c.Recognizer.Engine,
		"EARSHOT_SPHINX_HMM":     &c.Recognizer.Sphinx.HMM,
		"EARSHOT_SPHINX_LM":      &c.Recognizer.Sphinx.LM,
		"EARSHOT_SPHINX_DICT":    &c.Recognizer.Sphinx.Dict,
		"EARSHOT_LOG_LEVEL":      &c.LogLevel,
		"EARSHOT_OPENAI_URL":     &c.Recognizer.OpenAI.BaseURL,
		"EARSHOT_OPENAI_API_KEY": &c.Recognizer.OpenAI.APIKey,
		"EARSHOT_OPENAI_MODEL":   &c.Recognizer.OpenAI.Model,
		"EARSHOT_VOSK_URL":       &c.Recognizer.Vosk.URL,
		"EARSHOT_SHERPA_URL":     &c.Recognizer.Sherpa.URL,
		"EARSHOT_REPLAY_FILE":    &c.Recognizer.Replay.File,
	}
	for name, dst := range str {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	if err := c.applyLinksEnv(getenv); err != nil {
		return err
	}
	if v := getenv("EARSHOT_COOLDOWN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("EARSHOT_COOLDOWN: %w", err)
		}
		c.Alerts.Cooldown = Duration(d)
	}
	if v := getenv("EARSHOT_REQUIRE_TOKENS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("EARSHOT_REQUIRE_TOKENS: %w", err)
		}
		c.HTTP.RequireTokens = b
	}
	list := func(v string) []string {
		return strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	}
	if v := getenv("EARSHOT_PUBLIC_METRICS"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("EARSHOT_PUBLIC_METRICS: %w", err)
		}
		c.HTTP.PublicMetrics = b
	}
	if v := getenv("EARSHOT_ALLOW_ORIGIN"); v != "" {
		c.HTTP.AllowOrigin = list(v)
	}
	if v := getenv("EARSHOT_ALLOWED_HOSTS"); v != "" {
		c.HTTP.AllowedHosts = list(v)
	}
	if v := getenv("EARSHOT_INGEST_ALLOW_HOSTS"); v != "" {
		// Comma- or space-separated, replacing the file's list.
		c.Ingest.AllowHosts = strings.FieldsFunc(v, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })
	}
	if v := getenv("EARSHOT_PHONETIC"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("EARSHOT_PHONETIC: %w", err)
		}
		c.Lexicon.Phonetic = b
	}
	return nil
}

// Validate reports the first setting that cannot work, naming it.
func (c *Config) Validate() error {
	if strings.TrimSpace(c.DataDir) == "" {
		return fmt.Errorf("config: data_dir: must not be empty")
	}
	if err := c.Transcripts.validate(); err != nil {
		return err
	}
	if err := c.Cluster.validate(); err != nil {
		return err
	}
	if err := c.Trust.validate(); err != nil {
		return err
	}
	if err := c.Links.validate(); err != nil {
		return err
	}
	if _, _, err := net.SplitHostPort(c.HTTP.Addr); err != nil {
		return fmt.Errorf("config: http.addr %q: %w", c.HTTP.Addr, err)
	}
	if err := c.NATS.TLS.validate("nats.tls", true); err != nil {
		return err
	}
	if err := c.NATS.ClientTLS.validate("nats.client_tls", false); err != nil {
		return err
	}
	if err := c.HTTP.Limits.validate(); err != nil {
		return err
	}
	if err := c.HTTP.RateLimit.validate(); err != nil {
		return err
	}
	if err := c.validateStores(); err != nil {
		return err
	}
	if err := c.validateWebhooks(); err != nil {
		return err
	}
	if err := c.Reports.validate(); err != nil {
		return err
	}
	if c.NATS.URL == "" {
		if _, _, err := net.SplitHostPort(c.NATS.Listen); err != nil {
			return fmt.Errorf("config: nats.listen %q: %w", c.NATS.Listen, err)
		}
	}
	if err := c.Recognizer.validate(); err != nil {
		return err
	}
	for _, k := range c.Lexicon.TrustedKeys {
		if !nkeys.IsValidPublicAccountKey(k) {
			return fmt.Errorf("config: lexicon.trusted_keys: %q is not a public key (A..., as `earshot serve` logs it)", k)
		}
	}
	if c.Alerts.CaseWindow < 0 || time.Duration(c.Alerts.CaseWindow) > 24*time.Hour {
		return fmt.Errorf("config: alerts.case_window %v: want 0 (the default, 10m) to 24h", time.Duration(c.Alerts.CaseWindow))
	}
	if c.Alerts.Cooldown < 0 {
		return fmt.Errorf("config: alerts.cooldown: must not be negative")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("config: log_level %q: want debug, info, warn or error", c.LogLevel)
	}
	return nil
}
