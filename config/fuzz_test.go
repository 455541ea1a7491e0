package config

import (
	"strings"
	"testing"
)

// FuzzYAML: any config file is applied or refused with an error naming
// the file, never a panic; whatever is applied validates or says which
// setting is wrong.
func FuzzYAML(f *testing.F) {
	f.Add([]byte("data_dir: /srv/earshot\nalerts:\n  cooldown: 45s\nnats:\n  url: nats://10.1.1.1:4222\n"))
	f.Add([]byte("recognizer:\n  engine: openai\n  openai:\n    base_url: http://127.0.0.1:8081\n    timeout: -1s\n"))
	f.Add([]byte("ingest:\n  allow_hosts: [media.example.com, 10.2.0.0/16]\n"))
	f.Add([]byte("transcripts:\n  retention_days: 99999999999999999999\n"))
	f.Add([]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a]\n"))
	f.Add([]byte("log_level: [\n"))
	f.Add([]byte("http: {addr: 1}\nunknown_key: 1\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c := Default()
		if err := c.loadYAML(data, "earshot.yaml"); err != nil {
			if !strings.Contains(err.Error(), "earshot.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		if err := c.Validate(); err != nil && !strings.HasPrefix(err.Error(), "config: ") {
			t.Fatalf("validation error %q does not say it is the configuration's", err)
		}
	})
}

// envNames are the variables ApplyEnv reads.
var envNames = []string{"EARSHOT_DATA", "EARSHOT_HTTP", "EARSHOT_ALLOW_ORIGIN", "EARSHOT_NATS_URL", "EARSHOT_NATS",
	"EARSHOT_NATS_CREDS", "EARSHOT_LEXICON", "EARSHOT_RECOGNIZER", "EARSHOT_SPHINX_HMM", "EARSHOT_LOG_LEVEL",
	"EARSHOT_OPENAI_URL", "EARSHOT_VOSK_URL", "EARSHOT_COOLDOWN", "EARSHOT_REQUIRE_TOKENS", "EARSHOT_PHONETIC",
	"EARSHOT_INGEST_ALLOW_HOSTS"}

// FuzzEnv: any values of two EARSHOT_* variables are applied or refused
// with an error naming the variable, never a panic.
func FuzzEnv(f *testing.F) {
	f.Add(uint8(12), "5s", uint8(13), "true")
	f.Add(uint8(12), "-9223372036854775808ns", uint8(14), "maybe")
	f.Add(uint8(15), " , a.example.com,,10.0.0.0/8 ", uint8(1), "[::1]:80")
	f.Add(uint8(7), "kws", uint8(9), "verbose")
	f.Fuzz(func(t *testing.T, i uint8, v string, j uint8, w string) {
		a, b := envNames[int(i)%len(envNames)], envNames[int(j)%len(envNames)]
		env := map[string]string{a: v, b: w}
		c := Default()
		if err := c.ApplyEnv(func(k string) string { return env[k] }); err != nil {
			if !strings.Contains(err.Error(), a) && !strings.Contains(err.Error(), b) {
				t.Fatalf("error %q names neither %s nor %s", err, a, b)
			}
			return
		}
		for _, h := range c.Ingest.AllowHosts {
			if h == "" || strings.ContainsAny(h, ", \t\n") {
				t.Fatalf("allow_hosts entry %q from %q", h, env["EARSHOT_INGEST_ALLOW_HOSTS"])
			}
		}
		_ = c.Validate()
	})
}
