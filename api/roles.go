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
	// RoleViewer is one viewer of the platform's rooms (the token's
	// "viewer" claim): report a moment of a room's stream and vote in its
	// polls, nothing else. Listed last: it is not part of the staff
	// ordering above.
	RoleViewer Role = "viewer"
)

// Roles lists every role.
var Roles = []Role{RoleAnchor, RoleIngest, RoleCompliance, RolePolicy, RoleMetrics, RoleAdmin, RoleViewer}

// Default token lifetimes: an anchor's token lasts a broadcast day, staff
// and service tokens a working shift.
const (
	AnchorTTL = 24 * time.Hour
	StaffTTL  = 12 * time.Hour
	// ViewerTTL is a viewer token's default: one day of watching.
	ViewerTTL = 24 * time.Hour
)

// DefaultTTL is how long a token of role r lives unless asked otherwise.
func (r Role) DefaultTTL() time.Duration {
	switch r {
	case RoleAnchor:
		return AnchorTTL
	case RoleViewer:
		return ViewerTTL
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

// MaxViewerID bounds a viewer id (the platform's pseudonymous id of one
// viewer).
const MaxViewerID = 128

// ValidViewerID checks a viewer id: 1 to MaxViewerID bytes of letters,
// digits and . _ : @ - (the platform's own id, ideally a pseudonym: earshot
// stores only a hash of it).
func ValidViewerID(id string) error {
	if id == "" || len(id) > MaxViewerID {
		return fmt.Errorf("viewer id: want 1 to %d bytes", MaxViewerID)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._:@-", c) >= 0) {
			return fmt.Errorf("viewer id: byte %d (%q) is not a letter, digit or one of . _ : @ -", i, c)
		}
	}
	return nil
}
