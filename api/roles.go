package api

import (
	"fmt"
	"strings"
	"time"
)

// Role is what a bearer token lets its holder do: the "role" claim of an
// earshot token. Which role may call which route is the Access of each
// entry of Routes.
type Role string

// The roles, from the narrowest to the widest.
const (
	// RoleAnchor is the anchor of one room (the token's "room" claim):
	// publish its audio over WHIP and read its overlay feed.
	RoleAnchor Role = "anchor"
	// RoleIngest is a platform service that registers rooms and posts their
	// audio and transcripts.
	RoleIngest Role = "ingest"
	// RoleCompliance is compliance staff: alerts, evidence, transcripts,
	// dispositions.
	RoleCompliance Role = "compliance"
	// RolePolicy is the policy team: lexicon drafts, backtests, publishing.
	RolePolicy Role = "policy"
	// RoleMetrics is a metrics scraper (Prometheus): GET /metrics only.
	RoleMetrics Role = "metrics"
	// RoleAdmin may call every route, and is the only role that may revoke
	// tokens.
	RoleAdmin Role = "admin"
)

// Roles lists every role.
var Roles = []Role{RoleAnchor, RoleIngest, RoleCompliance, RolePolicy, RoleMetrics, RoleAdmin}

// Default token lifetimes: an anchor's token lasts a broadcast day, staff
// and service tokens a working shift.
const (
	AnchorTTL = 24 * time.Hour
	StaffTTL  = 12 * time.Hour
)

// DefaultTTL is how long a token of role r lives unless asked otherwise.
func (r Role) DefaultTTL() time.Duration {
	if r == RoleAnchor {
		return AnchorTTL
	}
	return StaffTTL
}

// ParseRole accepts one of Roles.
func ParseRole(s string) (Role, error) {
	for _, r := range Roles {
		if string(r) == s {
			return r, nil
		}
	}
	names := make([]string, len(Roles))
	for i, r := range Roles {
		names[i] = string(r)
	}
	return "", fmt.Errorf("role %q: want one of %s", s, strings.Join(names, ", "))
}
