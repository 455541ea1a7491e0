package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLayering(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "earshot.yaml")
	yaml := "data_dir: /srv/earshot\nalerts:\n  cooldown: 45s\nnats:\n  url: nats://10.1.1.1:4222\ningest:\n  allow_hosts: [old.example.com]\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"EARSHOT_COOLDOWN": "5s", "EARSHOT_HTTP": "0.0.0.0:9000",
		"EARSHOT_INGEST_ALLOW_HOSTS": "media.example.com, 10.2.0.0/16 *.cdn.example.com"}
	if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/srv/earshot" || c.NATS.URL != "nats://10.1.1.1:4222" {
		t.Errorf("file values not applied: %+v", c)
	}
	if time.Duration(c.Alerts.Cooldown) != 5*time.Second || c.HTTP.Addr != "0.0.0.0:9000" {
		t.Errorf("env must override file: cooldown=%v http=%s", time.Duration(c.Alerts.Cooldown), c.HTTP.Addr)
	}
	if c.Recognizer.Engine != "sphinx" {
		t.Errorf("untouched default lost: %q", c.Recognizer.Engine)
	}
	if want := []string{"media.example.com", "10.2.0.0/16", "*.cdn.example.com"}; !reflect.DeepEqual(c.Ingest.AllowHosts, want) {
		t.Errorf("ingest.allow_hosts from env: %q, want %q", c.Ingest.AllowHosts, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct {
		name, yaml string
		env        map[string]string
		want       string
	}{
		{"unknown key", "dta_dir: x\n", nil, "dta_dir"},
		{"bad duration", "alerts:\n  cooldown: soon\n", nil, "soon"},
		{"bad engine", "recognizer:\n  engine: magic\n", nil, "recognizer.engine"},
		{"bad http", "http:\n  addr: nowhere\n", nil, "http.addr"},
		{"bad env", "", map[string]string{"EARSHOT_COOLDOWN": "x"}, "EARSHOT_COOLDOWN"},
		{"bad level", "log_level: loud\n", nil, "log_level"},
		{"nats tls cert without key", "nats:\n  tls:\n    cert_file: /etc/hosts\n", nil, "nats.tls: cert_file and key_file"},
		{"nats tls ca alone", "nats:\n  tls:\n    ca_file: /etc/hosts\n", nil, "nats.tls: ca_file needs cert_file"},
		{"nats tls missing file", "nats:\n  tls:\n    cert_file: /nonexistent.pem\n    key_file: /etc/hosts\n", nil, "nats.tls.cert_file"},
		{"nats client ca missing", "", map[string]string{"EARSHOT_NATS_CLIENT_CA": "/nonexistent-ca.pem"}, "nats.client_tls.ca_file"},
		{"bad lexicon trusted key", "lexicon:\n  trusted_keys: [nope]\n", nil, "lexicon.trusted_keys"},
		{"negative transcript retention", "transcripts:\n  retention_days: -1\n", nil, "transcripts.retention_days"},
		{"transcript retention not a number", "transcripts:\n  retention_days: month\n", nil, "month"},
		{"openai without url", "recognizer:\n  engine: openai\n", nil, "recognizer.openai.base_url"},
		{"zero connections", "http:\n  limits:\n    max_connections: 0\n", nil, "http.limits.max_connections"},
		{"bad size", "http:\n  limits:\n    max_upload: lots\n", nil, "lots"},
		{"zero burst", "http:\n  rate_limit:\n    per_ip: {per_second: 10, burst: 0}\n", nil, "http.rate_limit.per_ip"},
		{"also same engine", "recognizer:\n  also: sphinx\n", nil, "recognizer.also"},
		{"also without url", "recognizer:\n  also: vosk\n", nil, "recognizer.vosk.url"},
		{"vosk without url", "recognizer:\n  engine: vosk\n", nil, "recognizer.vosk.url"},
		{"sherpa without url", "recognizer:\n  engine: sherpa\n", nil, "recognizer.sherpa.url"},
		{"replay without file", "", map[string]string{"EARSHOT_RECOGNIZER": "replay"}, "recognizer.replay.file"},
		{"links retention zero", "links:\n  retention: 0s\n", nil, "links.retention"},
		{"links retention too long", "", map[string]string{"EARSHOT_LINKS_RETENTION": "100000h"}, "links.retention"},
		{"links retention not a duration", "", map[string]string{"EARSHOT_LINKS_RETENTION": "forever"}, "EARSHOT_LINKS_RETENTION"},
		{"negative links realert", "links:\n  realert: -1h\n", nil, "links.realert"},
		{"negative partial_every", "recognizer:\n  engine: openai\n  openai:\n    base_url: http://x\n    partial_every: -1s\n", nil, "partial_every"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "c.yaml")
			if err := os.WriteFile(file, []byte(tc.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			c := Default()
			err := c.LoadFile(file)
			if err == nil {
				err = c.ApplyEnv(func(k string) string { return tc.env[k] })
			}
			if err == nil {
				err = c.Validate()
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want it to name %q", err, tc.want)
			}
		})
	}
}

func TestRecognizerSections(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	yaml := "recognizer:\n  engine: openai\n  openai:\n    base_url: http://127.0.0.1:8081\n    partial_every: 2s\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	if err := c.ApplyEnv(func(k string) string { return map[string]string{"EARSHOT_OPENAI_API_KEY": "sk"}[k] }); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	o := c.Recognizer.OpenAI
	if o.BaseURL != "http://127.0.0.1:8081" || o.APIKey != "sk" || o.Model != "whisper-1" || o.PartialEvery != Duration(2*time.Second) {
		t.Errorf("openai section %+v", o)
	}
}

// TestSampleConfig keeps docs/earshot.sample.yaml loadable and equal to the
// defaults it claims to show.
func TestSampleConfig(t *testing.T) {
	c := Default()
	if err := c.LoadFile("../docs/earshot.sample.yaml"); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c, Default()) {
		t.Errorf("sample config differs from defaults:\n got %+v\nwant %+v", c, Default())
	}
}

func TestKWSSection(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	yaml := "recognizer:\n  also: kws\n  kws:\n    thresholds: /etc/earshot/kws.json\n"
	if err := os.WriteFile(file, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	c := Default()
	if err := c.LoadFile(file); err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.Recognizer.Also != "kws" || c.Recognizer.KWS.Thresholds != "/etc/earshot/kws.json" {
		t.Errorf("kws section %+v", c.Recognizer)
	}
	c.Recognizer.Engine = "kws"
	if err := c.Validate(); err == nil {
		t.Error("engine kws with also kws accepted")
	}
	c.Recognizer.Also = ""
	if err := c.Validate(); err != nil {
		t.Errorf("engine kws alone: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("recognizer:\n  kws:\n    threshold: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	d := Default()
	if err := d.LoadFile(bad); err == nil {
		t.Error("unknown key in recognizer.kws accepted")
	}
}

func TestBytes(t *testing.T) {
	for in, want := range map[string]Bytes{"512": 512, "64KiB": 64 << 10, "16 MiB": 16 << 20, "1GiB": 1 << 30, "1.5KB": 1536, "2TiB": 2 << 40} {
		got, err := ParseBytes(in)
		if err != nil || got != want {
			t.Errorf("ParseBytes(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1XB", "KiB", "1e30GiB"} {
		if _, err := ParseBytes(in); err == nil {
			t.Errorf("ParseBytes(%q) accepted", in)
		}
	}
	for b, want := range map[Bytes]string{1 << 30: "1GiB", 1536: "1536", 64 << 10: "64KiB", 7: "7"} {
		if got := b.String(); got != want {
			t.Errorf("Bytes(%d).String() = %q, want %q", int64(b), got, want)
		}
	}
}

func TestStringList(t *testing.T) {
	for in, want := range map[string][]string{
		"http:\n  allow_origin: https://a.example\n":                  {"https://a.example"},
		"http:\n  allow_origin: [https://a.example, \"*\"]\n":         {"https://a.example", "*"},
		"http:\n  allowed_hosts:\n    - a.example\n    - b.example\n": {"a.example", "b.example"},
	} {
		file := filepath.Join(t.TempDir(), "c.yaml")
		if err := os.WriteFile(file, []byte(in), 0o600); err != nil {
			t.Fatal(err)
		}
		c := Default()
		if err := c.LoadFile(file); err != nil {
			t.Fatal(err)
		}
		got := append(append([]string{}, c.HTTP.AllowOrigin...), c.HTTP.AllowedHosts...)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%q: %v, want %v", in, got, want)
		}
	}
	c := Default()
	if err := c.ApplyEnv(func(k string) string {
		return map[string]string{"EARSHOT_ALLOW_ORIGIN": "https://a.example, https://b.example", "EARSHOT_ALLOWED_HOSTS": "x.example"}[k]
	}); err != nil {
		t.Fatal(err)
	}
	if len(c.HTTP.AllowOrigin) != 2 || c.HTTP.AllowedHosts[0] != "x.example" {
		t.Errorf("env lists: %v %v", c.HTTP.AllowOrigin, c.HTTP.AllowedHosts)
	}
}
