package config

import (
	"fmt"
	"slices"
	"strings"
)

// Roles a node of `earshot serve` can take; a single process takes all.
var Roles = []string{"ingest", "scan", "index", "api"}

// Cluster says which roles this node runs and how the streams are shaped.
type Cluster struct {
	// Roles of this node: ingest (rooms, recognition, publishing
	// hypotheses), scan (hypotheses to alerts), index (finals to the
	// transcript store), api (HTTP). Default all four.
	Roles []string `yaml:"roles"`
	// Partitions splits rooms over scanners (stream EARSHOT_UTT); every
	// node of a cluster must agree. Default 8.
	Partitions int `yaml:"partitions"`
	// Replicas of earshot's streams: 1 for one server, 3 for a cluster
	// that survives the loss of a server. Default 1.
	Replicas int `yaml:"replicas"`
	// MaxBytes bounds the hypotheses stream EARSHOT_UTT on disk (the
	// oldest dropped beyond it). Default 1 GiB.
	MaxBytes Bytes `yaml:"max_bytes"`
	// SpoolMaxBytes bounds each local spool (hypotheses, alerts) that holds
	// what a node could not publish while an external NATS was unreachable
	// (DATA/spool/utt, DATA/spool/alerts). When full, new hypotheses are
	// lost (counted) and new alerts refused (their hypotheses stay in the
	// stream and are scanned again). Default 256 MiB.
	SpoolMaxBytes Bytes `yaml:"spool_max_bytes"`
	// StartupTimeout bounds the start-up steps that need NATS (connecting,
	// JetStream answering, creating streams and buckets): a node started
	// while NATS is down or a new cluster elects its leaders retries them
	// with back-off, reports not-ready in /readyz naming what it waits
	// for, and gives up (exits) after this. Default 5 minutes.
	StartupTimeout Duration `yaml:"startup_timeout"`
}

// Has reports whether role is one of this node's.
func (c Cluster) Has(role string) bool { return slices.Contains(c.Roles, role) }

// ParseRoles reads a comma-separated role list.
func ParseRoles(s string) ([]string, error) {
	var out []string
	for _, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if r == "" {
			continue
		}
		if !slices.Contains(Roles, r) {
			return nil, fmt.Errorf("config: cluster.roles: %q: want some of %s", r, strings.Join(Roles, ","))
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("config: cluster.roles: empty: want some of %s", strings.Join(Roles, ","))
	}
	return out, nil
}

func (c Cluster) validate() error {
	if _, err := ParseRoles(strings.Join(c.Roles, ",")); err != nil {
		return err
	}
	if c.Partitions < 1 || c.Partitions > 1024 {
		return fmt.Errorf("config: cluster.partitions %d: want 1 to 1024", c.Partitions)
	}
	if c.Replicas < 1 || c.Replicas > 5 {
		return fmt.Errorf("config: cluster.replicas %d: want 1 to 5", c.Replicas)
	}
	if c.SpoolMaxBytes < 0 || c.SpoolMaxBytes > 0 && c.SpoolMaxBytes < 1<<20 {
		return fmt.Errorf("config: cluster.spool_max_bytes %v: want 0 (256 MiB) or at least 1MiB", c.SpoolMaxBytes)
	}
	return nil
}
