package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is everything `earshot serve` needs to run.
type Config struct {
	// DataDir holds JetStream's store, the token key and evidence clips.
	DataDir    string     `yaml:"data_dir"`
	HTTP       HTTP       `yaml:"http"`
	NATS       NATS       `yaml:"nats"`
	Lexicon    Lexicon    `yaml:"lexicon"`
	Recognizer Recognizer `yaml:"recognizer"`
	Alerts     Alerts     `yaml:"alerts"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `yaml:"log_level"`

	// Transcripts configures the searchable transcript store.
	Transcripts Transcripts `yaml:"transcripts"`

	// Ingest configures how the server pulls sources.
	Ingest Ingest `yaml:"ingest"`

	// Cluster chooses this node's roles and the streams' shape.
	Cluster Cluster `yaml:"cluster"`

	// Trust configures the trust ledger.
	Trust Trust `yaml:"trust"`
	// Webhooks are endpoints the api role delivers events to, besides
	// those added with POST /v1/webhooks; WebhookDelivery tunes delivery
	// (webhooks.go).
	Webhooks        []Webhook       `yaml:"webhooks"`
	WebhookDelivery WebhookDelivery `yaml:"webhook_delivery"`

	// Reports configures viewer reports and polls (reports.go).
	Reports Reports `yaml:"reports"`

	// Links configures returning-violator detection (links.go).
	Links Links `yaml:"links"`
}

// Ingest configures pulled sources.
type Ingest struct {
	// RoomCaps bound the rooms kept and say what traffic for an id that is
	// not registered does (limits.go).
	RoomCaps `yaml:",inline"`
	// AllowHosts lists the far ends a pulled room (POST /v1/rooms with a
	// URL) may reach although their address is loopback, private,
	// link-local or otherwise special, which the server refuses by
	// default: host names ("media.example.com"), wildcards
	// ("*.example.com"), IP addresses and CIDRs ("10.2.0.0/16"). Public
	// addresses need no entry. The entries are parsed, and bad ones
	// reported, when the server starts (internal/netguard).
	AllowHosts []string `yaml:"allow_hosts"`
}

// HTTP configures the API and web listener.
type HTTP struct {
	Addr string `yaml:"addr"`
	// AllowOrigin lists the origins (https://studio.example) whose pages
	// may publish over WHIP: CORS is answered for them on the WHIP routes
	// only, and no other route takes a cross-origin write. "*" allows any
	// origin (WHIP is authorized by its bearer token). Empty: none. A
	// single string is a list of one.
	AllowOrigin StringList `yaml:"allow_origin"`
	// AllowedHosts are the host names the Host header may carry (DNS
	// rebinding protection; IP literals are always allowed);
	// "*.example.com" matches subdomains, "*" everything. Empty: the
	// listen address's host, plus localhost when it is loopback (or
	// localhost and this machine's name when it is a wildcard).
	AllowedHosts StringList `yaml:"allowed_hosts"`
	// RequireTokens: every route but /healthz, /readyz and the page shells
	// needs a token (`earshot token`). On by default; false is an explicit
	// opt-out the server warns about, for a test bench on a closed network.
	RequireTokens bool `yaml:"require_tokens"`
	// PublicMetrics serves /metrics without a token (otherwise it needs a
	// metrics or admin token).
	PublicMetrics bool `yaml:"public_metrics"`
	// TokenKeys are PEM Ed25519 public keys (another node's
	// DATA/keys/http/signing.pub) whose tokens this node accepts besides
	// its own: a cluster's API nodes verify tokens minted elsewhere.
	TokenKeys []string `yaml:"token_keys"`
	// Limits bound bodies, timeouts, connections and uploads; RateLimit
	// bounds requests per token and per address (limits.go).
	Limits    HTTPLimits `yaml:"limits"`
	RateLimit RateLimit  `yaml:"rate_limit"`
}

// NATS chooses between the embedded server and an external cluster.
type NATS struct {
	// URL of an external NATS cluster; empty starts the embedded server.
	URL string `yaml:"url"`
	// Listen is the embedded server's client address (host:port).
	Listen string `yaml:"listen"`
	// CredsFile authenticates to an external cluster: the NATS user of
	// this node's roles (`earshot creds --role ingest,scan`), whose
	// permissions are checked against the roles at start.
	CredsFile string `yaml:"creds_file"`
	// TLS secures the embedded server's client listener: with cert_file
	// and key_file every client must speak TLS; with ca_file too, it must
	// present a certificate that CA signed (mutual TLS).
	TLS TLSFiles `yaml:"tls"`
	// ClientTLS is for earshot's connection to an external cluster
	// (nats.url): ca_file is the CA of the servers' certificates (default:
	// the system's roots), cert_file and key_file a client certificate.
	ClientTLS TLSFiles `yaml:"client_tls"`
	// StoreLimit is the JetStream file storage this installation may
	// reserve on an external cluster (at most its servers'
	// max_file_store): every stream's bound left at 0 becomes a share of
	// it. 0: the account's JetStream storage limit when it has one, else
	// the fixed defaults (alerts 2 GiB, in all about 6 GiB), which a
	// server with a smaller max_file_store refuses.
	StoreLimit Bytes `yaml:"store_limit"`
}

// TLSFiles names PEM files of a certificate, its key and a CA.
type TLSFiles struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
	CAFile   string `yaml:"ca_file"`
}

// validate checks that a certificate comes with its key and that every
// named file is readable.
func (t TLSFiles) validate(key string, needCert bool) error {
	if (t.CertFile == "") != (t.KeyFile == "") {
		return fmt.Errorf("config: %s: cert_file and key_file go together", key)
	}
	if needCert && t.CertFile == "" && t.CAFile != "" {
		return fmt.Errorf("config: %s: ca_file needs cert_file and key_file (the server's own certificate)", key)
	}
	for name, f := range map[string]string{"cert_file": t.CertFile, "key_file": t.KeyFile, "ca_file": t.CAFile} {
		if f == "" {
			continue
		}
		if _, err := os.Stat(f); err != nil {
			return fmt.Errorf("config: %s.%s: %w", key, name, err)
		}
	}
	return nil
}

// Lexicon says which rules to load.
type Lexicon struct {
	// File is a lexicon YAML file; empty uses the shipped default.
	File string `yaml:"file"`
	// Phonetic enables phone-sequence matching of English phrases using the
	// recognizer's pronouncing dictionary.
	Phonetic bool `yaml:"phonetic"`
	// MaxBytes bounds the versions bucket on disk (publishing refused
	// when full); MaxDropShare is the share of the live rules a new
	// version may drop without "force" (limits.go).
	MaxBytes     Bytes   `yaml:"max_bytes"`
	MaxDropShare float64 `yaml:"max_drop_share"`
	// TrustedKeys are public keys (A...) whose lexicon versions this node
	// accepts besides its own signing key's (DATA/keys/lexicon.nk): the
	// previous key during a key rotation.
	TrustedKeys []string `yaml:"trusted_keys"`
	// BacktestTimeout bounds a backtest: each index node's run over its
	// share, and the api node's wait for their reports (a node silent
	// past it is named in the partial report); 0 is 30 s.
	BacktestTimeout Duration `yaml:"backtest_timeout"`
}

// Recognizer selects and configures the ASR engine.
type Recognizer struct {
	// Engine is "sphinx" (embedded PocketSphinx), "openai" (an
	// OpenAI-compatible transcription server), "vosk" or "sherpa" (their
	// WebSocket servers), "replay" (transcripts from a JSONL file), "kws"
	// (PocketSphinx spotting the lexicon's phrases; usually as Also) or
	// "none" (text-only rooms).
	Engine string `yaml:"engine"`
	// Also, if set, names a second engine that hears the same audio (e.g.
	// a server beside the embedded one); hypotheses of both are matched.
	Also   string       `yaml:"also"`
	Sphinx Sphinx       `yaml:"sphinx"`
	OpenAI OpenAI       `yaml:"openai"`
	Vosk   StreamServer `yaml:"vosk"`
	Sherpa StreamServer `yaml:"sherpa"`
	Replay Replay       `yaml:"replay"`
	KWS    KWS          `yaml:"kws"`
}

// KWS configures keyword spotting of the lexicon's English phrases
// (engine or also "kws"; see transcript/kws).
type KWS struct {
	// Thresholds is a JSON file of detection thresholds by phone count;
	// empty uses the table tuned on the generated corpus, built in.
	Thresholds string `yaml:"thresholds"`
}

// Engines are the valid values of recognizer.engine.
var Engines = []string{"sphinx", "openai", "vosk", "sherpa", "replay", "kws", "none"}

// OpenAI configures an OpenAI-compatible transcription server
// (POST {base_url}/v1/audio/transcriptions). Zero values select the
// recognizer's defaults.
type OpenAI struct {
	BaseURL     string   `yaml:"base_url"`
	Model       string   `yaml:"model"`
	APIKey      string   `yaml:"api_key"`
	Language    string   `yaml:"language"`
	Concurrency int      `yaml:"concurrency"`
	Timeout     Duration `yaml:"timeout"`
	Retries     int      `yaml:"retries"`
	// PartialEvery re-sends the growing utterance this often for partial
	// hypotheses; 0 (the default) sends each utterance once.
	PartialEvery Duration `yaml:"partial_every"`
}

// StreamServer locates a streaming WebSocket recognizer (Vosk, sherpa-onnx).
type StreamServer struct {
	URL     string   `yaml:"url"`
	Timeout Duration `yaml:"timeout"`
}

// Replay names the JSONL transcript file the replay recognizer emits.
type Replay struct {
	File string `yaml:"file"`
}

// Sphinx locates PocketSphinx's model files.
type Sphinx struct {
	HMM   string `yaml:"hmm"`
	LM    string `yaml:"lm"`
	Dict  string `yaml:"dict"`
	NBest int    `yaml:"nbest"`
}

// Alerts tunes delivery.
type Alerts struct {
	// Cooldown is the least time between two reminders of one rule in one room.
	Cooldown Duration `yaml:"cooldown"`
	// Retention is how long the alert stream keeps alerts.
	Retention Duration `yaml:"retention"`
	// MaxBytes bounds the alert stream on disk (the oldest dropped beyond
	// it, as past retention); DispositionsMaxBytes bounds the decisions
	// bucket (new decisions refused when full).
	MaxBytes             Bytes `yaml:"max_bytes"`
	DispositionsMaxBytes Bytes `yaml:"dispositions_max_bytes"`
	// CaseWindow groups an anchor's hits in one session into one case
	// (alerter/cases) while each follows the one before by at most this.
	CaseWindow Duration `yaml:"case_window"`
}

// Transcripts configures the transcript store (transcript/store).
type Transcripts struct {
	// Dir holds one search index per UTC day; empty is DataDir/transcripts.
	Dir string `yaml:"dir"`
	// RetentionDays drops a day's index once all of it is older than
	// this many days; 0 keeps transcripts forever.
	RetentionDays int `yaml:"retention_days"`
	// Search bounds what one search may cost (limits.go).
	Search SearchLimits `yaml:"search"`
}

// maxRetentionDays bounds retention_days (a century).
const maxRetentionDays = 36500

func (t Transcripts) validate() error {
	if t.RetentionDays < 0 || t.RetentionDays > maxRetentionDays {
		return fmt.Errorf("config: transcripts.retention_days %d: want 0 (keep forever) to %d", t.RetentionDays, maxRetentionDays)
	}
	return t.Search.validate()
}

// StringList is a list of strings written as a YAML sequence, or as one
// string for a list of one.
type StringList []string

// UnmarshalYAML accepts a scalar or a sequence.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		*l = nil
		if n.Value != "" {
			*l = StringList{n.Value}
		}
		return nil
	}
	var s []string
	if err := n.Decode(&s); err != nil {
		return fmt.Errorf("line %d: want a string or a list of strings: %w", n.Line, err)
	}
	*l = s
	return nil
}

// Duration is a time.Duration written as "20s" in YAML and env.
type Duration time.Duration

// UnmarshalYAML parses a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes the duration as a string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// Default is the configuration used when nothing else is given.
func Default() Config {
	model := "/usr/share/pocketsphinx/model/en-us"
	return Config{
		DataDir: "./earshot-data",
		HTTP: HTTP{Addr: "127.0.0.1:8080", RequireTokens: true,
			Limits: defaultHTTPLimits(), RateLimit: defaultRateLimit()},
		NATS:    NATS{Listen: "127.0.0.1:4222"},
		Lexicon: Lexicon{Phonetic: true, MaxDropShare: 0.5, BacktestTimeout: Duration(30 * time.Second)},
		Recognizer: Recognizer{Engine: "sphinx", Sphinx: Sphinx{
			HMM: filepath.Join(model, "en-us"), LM: filepath.Join(model, "en-us.lm.bin"),
			Dict: filepath.Join(model, "cmudict-en-us.dict"), NBest: 5,
		},
			OpenAI: OpenAI{Model: "whisper-1", Concurrency: 4, Timeout: Duration(30 * time.Second), Retries: 2},
			Vosk:   StreamServer{Timeout: Duration(10 * time.Second)},
			Sherpa: StreamServer{Timeout: Duration(10 * time.Second)},
		},
		Alerts:   Alerts{Cooldown: Duration(20 * time.Second), Retention: Duration(30 * 24 * time.Hour), CaseWindow: Duration(10 * time.Minute)},
		LogLevel: "info",

		Transcripts: Transcripts{RetentionDays: 30, Search: defaultSearchLimits()},
		Links:       defaultLinks(),
		Ingest:      Ingest{AllowHosts: []string{}, RoomCaps: defaultRoomCaps()},
		Cluster:     Cluster{Roles: slices.Clone(Roles), Partitions: 8, Replicas: 1},
		Trust:       Trust{WindowDays: 30, HistoryDays: 30},

		WebhookDelivery: defaultWebhookDelivery(),
	}
}

// LoadFile overlays a YAML file on c. Unknown keys are errors, so a typo
// does not silently leave a default in force.
func (c *Config) LoadFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return c.loadYAML(data, path)
}

// loadYAML overlays YAML read from path (named in errors) on c.
func (c *Config) loadYAML(data []byte, path string) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	// An empty file is no overrides, not an error.
	if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("config %s: %w", path, err)
	}
	return nil
}

// validate checks that the chosen engine has what it needs.
func (r Recognizer) validate() error {
	need := func(field, v string) error {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("config: recognizer.%s: required with engine %q", field, r.Engine)
		}
		return nil
	}
	if r.Also != "" {
		if r.Also == r.Engine || r.Also == "none" || r.Engine == "none" {
			return fmt.Errorf("config: recognizer.also %q: want an engine other than %q and none", r.Also, r.Engine)
		}
		second := r
		second.Engine, second.Also = r.Also, ""
		if err := second.validate(); err != nil {
			return err
		}
	}
	switch r.Engine {
	case "sphinx", "none", "kws":
		return nil
	case "openai":
		if r.OpenAI.Timeout < 0 || r.OpenAI.PartialEvery < 0 || r.OpenAI.Concurrency < 0 {
			return fmt.Errorf("config: recognizer.openai: timeout, partial_every and concurrency must not be negative")
		}
		return need("openai.base_url", r.OpenAI.BaseURL)
	case "vosk":
		return need("vosk.url", r.Vosk.URL)
	case "sherpa":
		return need("sherpa.url", r.Sherpa.URL)
	case "replay":
		return need("replay.file", r.Replay.File)
	}
	return fmt.Errorf("config: recognizer.engine %q: want one of %s", r.Engine, strings.Join(Engines, ", "))
}
