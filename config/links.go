package config

import (
	"fmt"
	"time"
)

// Links configures returning-violator detection (package links): the
// contact identifiers heard on air and how long they are kept.
type Links struct {
	// Retention is how long a mention of an identifier is kept after the
	// account last said it (NATS KV TTL of EARSHOT_LINKS); default 90 days.
	Retention Duration `yaml:"retention"`
	// Realert is the least time between two returning-violator alerts that
	// link one account to one banned account through one identifier;
	// default 1 h.
	Realert Duration `yaml:"realert"`
}

func defaultLinks() Links {
	return Links{Retention: Duration(90 * 24 * time.Hour), Realert: Duration(time.Hour)}
}

// Bounds of the links settings.
const (
	minLinksRetention = time.Second
	maxLinksRetention = 10 * 365 * 24 * time.Hour
)

func (l Links) validate() error {
	if r := time.Duration(l.Retention); r < minLinksRetention || r > maxLinksRetention {
		return fmt.Errorf("config: links.retention %s: want %s to %s", r, minLinksRetention, maxLinksRetention)
	}
	if r := time.Duration(l.Realert); r < 0 || r > maxLinksRetention {
		return fmt.Errorf("config: links.realert %s: want 0 (the default, 1h) to %s", r, maxLinksRetention)
	}
	return nil
}

// applyLinksEnv reads EARSHOT_LINKS_RETENTION.
func (c *Config) applyLinksEnv(getenv func(string) string) error {
	if v := getenv("EARSHOT_LINKS_RETENTION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return fmt.Errorf("EARSHOT_LINKS_RETENTION: %w", err)
		}
		c.Links.Retention = Duration(d)
	}
	return nil
}
