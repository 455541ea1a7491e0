package config

import (
	"fmt"
	"math"
	"time"
)

// HTTPLimits bound what one request, one connection and one upload may
// cost (server.Limits; docs/earshot.sample.yaml lists the defaults).
type HTTPLimits struct {
	// MaxConnections bounds open HTTP connections; more wait in the
	// kernel's accept queue until one closes.
	MaxConnections int `yaml:"max_connections"`
	// MaxBody caps a request body on routes that take small JSON;
	// MaxHeaderBytes caps the request headers.
	MaxBody        Bytes `yaml:"max_body"`
	MaxHeaderBytes Bytes `yaml:"max_header_bytes"`
	// MaxUpload caps an uploaded WAV (POST /v1/rooms/{room}/audio).
	MaxUpload Bytes `yaml:"max_upload"`
	// MaxUploads is how many uploads are read at once (503 beyond).
	MaxUploads int `yaml:"max_uploads"`
	// ReadHeaderTimeout, ReadTimeout and IdleTimeout are the HTTP
	// server's; ReadTimeout covers a whole request but uploads and feeds.
	ReadHeaderTimeout Duration `yaml:"read_header_timeout"`
	ReadTimeout       Duration `yaml:"read_timeout"`
	IdleTimeout       Duration `yaml:"idle_timeout"`
	// BodyIdleTimeout is the longest an upload may stall; UploadTimeout
	// bounds a whole upload.
	BodyIdleTimeout Duration `yaml:"body_idle_timeout"`
	UploadTimeout   Duration `yaml:"upload_timeout"`
	// UtterancesPerBatch and UtteranceBatchBytes bound one POST of
	// utterances.
	UtterancesPerBatch  int   `yaml:"utterances_per_batch"`
	UtteranceBatchBytes Bytes `yaml:"utterance_batch_bytes"`
}

// Rate is a token bucket: Burst requests at once, then PerSecond a second.
type Rate struct {
	PerSecond float64 `yaml:"per_second"`
	Burst     int     `yaml:"burst"`
}

// RateLimit configures per-client request rates: a request with a token
// that verifies is charged to the token (Ingest for ingest and admin
// tokens, PerToken for the other roles), any other to its address (PerIP).
type RateLimit struct {
	// Off disables rate limiting (a proxy in front does it).
	Off        bool `yaml:"off"`
	PerIP      Rate `yaml:"per_ip"`
	PerToken   Rate `yaml:"per_token"`
	Ingest     Rate `yaml:"ingest"`
	MaxClients int  `yaml:"max_clients"`
}

func defaultHTTPLimits() HTTPLimits {
	return HTTPLimits{
		MaxConnections: 1024, MaxBody: 1 << 20, MaxHeaderBytes: 64 << 10, MaxUpload: 1 << 30, MaxUploads: 8,
		ReadHeaderTimeout: Duration(10 * time.Second), ReadTimeout: Duration(time.Minute),
		IdleTimeout: Duration(2 * time.Minute), BodyIdleTimeout: Duration(30 * time.Second),
		UploadTimeout: Duration(30 * time.Minute), UtterancesPerBatch: 256, UtteranceBatchBytes: 256 << 10,
	}
}

func defaultRateLimit() RateLimit {
	return RateLimit{
		PerIP:      Rate{PerSecond: 2000, Burst: 4000},
		PerToken:   Rate{PerSecond: 500, Burst: 1000},
		Ingest:     Rate{PerSecond: 5000, Burst: 10000},
		MaxClients: 10000,
	}
}

func (l HTTPLimits) validate() error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"max_connections", int64(l.MaxConnections)}, {"max_body", int64(l.MaxBody)}, {"max_header_bytes", int64(l.MaxHeaderBytes)}, {"max_upload", int64(l.MaxUpload)},
		{"max_uploads", int64(l.MaxUploads)}, {"read_header_timeout", int64(l.ReadHeaderTimeout)},
		{"read_timeout", int64(l.ReadTimeout)}, {"idle_timeout", int64(l.IdleTimeout)},
		{"body_idle_timeout", int64(l.BodyIdleTimeout)}, {"upload_timeout", int64(l.UploadTimeout)},
		{"utterances_per_batch", int64(l.UtterancesPerBatch)}, {"utterance_batch_bytes", int64(l.UtteranceBatchBytes)}} {
		if f.v <= 0 {
			return fmt.Errorf("config: http.limits.%s: want a positive value", f.name)
		}
	}
	return nil
}

func (r RateLimit) validate() error {
	if r.MaxClients < 1 {
		return fmt.Errorf("config: http.rate_limit.max_clients %d: want at least 1", r.MaxClients)
	}
	if r.Off {
		return nil
	}
	for name, b := range map[string]Rate{"per_ip": r.PerIP, "per_token": r.PerToken, "ingest": r.Ingest} {
		if math.IsNaN(b.PerSecond) || math.IsInf(b.PerSecond, 0) || b.PerSecond <= 0 || b.Burst < 1 {
			return fmt.Errorf("config: http.rate_limit.%s: want per_second > 0 and burst >= 1 (got %v, %d); set off: true to disable", name, b.PerSecond, b.Burst)
		}
	}
	return nil
}

// SearchLimits bound one transcript search (store.SearchLimits): a query
// costly by its form is refused (400 query_too_costly), one past its time
// budget cancelled (503 search_timeout), one beyond the concurrent slots
// refused (503 busy).
type SearchLimits struct {
	MaxConcurrent int      `yaml:"max_concurrent"`
	Timeout       Duration `yaml:"timeout"`
	// MaxTerms bounds the index terms wildcards, regexps and fuzzy terms
	// expand to, per day partition.
	MaxTerms int `yaml:"max_terms"`
	// MinPrefix is the literal start a wildcard or regexp needs.
	MinPrefix int `yaml:"min_prefix"`
	// MaxExpanding bounds wildcard, regexp and fuzzy terms in one query.
	MaxExpanding int `yaml:"max_expanding"`
	// MinFuzzy is the shortest term a fuzzy match may have.
	MinFuzzy int `yaml:"min_fuzzy"`
}

func defaultSearchLimits() SearchLimits {
	return SearchLimits{MaxConcurrent: 4, Timeout: Duration(5 * time.Second), MaxTerms: 4096, MinPrefix: 2, MaxExpanding: 4, MinFuzzy: 3}
}

func (l SearchLimits) validate() error {
	for _, f := range []struct {
		name string
		v    int64
	}{{"max_concurrent", int64(l.MaxConcurrent)}, {"timeout", int64(l.Timeout)}, {"max_terms", int64(l.MaxTerms)},
		{"min_prefix", int64(l.MinPrefix)}, {"max_expanding", int64(l.MaxExpanding)}, {"min_fuzzy", int64(l.MinFuzzy)}} {
		if f.v <= 0 {
			return fmt.Errorf("config: transcripts.search.%s: want a positive value", f.name)
		}
	}
	return nil
}

// RoomCaps bound the rooms a node keeps (rooms.Caps), under ingest:. The
// tenant is the merchant (a registration's "merchant", or the ?merchant=
// of the traffic that made an automatic room).
type RoomCaps struct {
	// AutoRegister lets an upload, posted utterances or a WHIP publish for
	// an id that is not registered make an automatic room; off, such
	// traffic is refused (404 unknown_room) until POST /v1/rooms.
	AutoRegister bool `yaml:"auto_register"`
	// MaxAutoRooms bounds automatic rooms; at the bound the one idle
	// longest (for AutoRoomIdle at least) is forgotten, else 409 room_limit.
	MaxAutoRooms int      `yaml:"max_auto_rooms"`
	AutoRoomIdle Duration `yaml:"auto_room_idle"`
	// MaxRooms bounds every room, MaxRoomsPerMerchant one merchant's.
	MaxRooms            int `yaml:"max_rooms"`
	MaxRoomsPerMerchant int `yaml:"max_rooms_per_merchant"`
}

func defaultRoomCaps() RoomCaps {
	return RoomCaps{AutoRegister: true, MaxAutoRooms: 1000, AutoRoomIdle: Duration(10 * time.Minute),
		MaxRooms: 10000, MaxRoomsPerMerchant: 1000}
}

// validateStores checks the room caps and the stream and bucket bounds.
func (c *Config) validateStores() error {
	r := c.Ingest.RoomCaps
	for _, f := range []struct {
		name string
		v    int64
	}{{"ingest.max_auto_rooms", int64(r.MaxAutoRooms)}, {"ingest.auto_room_idle", int64(r.AutoRoomIdle)},
		{"ingest.max_rooms", int64(r.MaxRooms)}, {"ingest.max_rooms_per_merchant", int64(r.MaxRoomsPerMerchant)}} {
		if f.v <= 0 {
			return fmt.Errorf("config: %s: want a positive value", f.name)
		}
	}
	for _, f := range []struct {
		name string
		v    Bytes
	}{{"alerts.max_bytes", c.Alerts.MaxBytes}, {"alerts.dispositions_max_bytes", c.Alerts.DispositionsMaxBytes},
		{"lexicon.max_bytes", c.Lexicon.MaxBytes}, {"cluster.max_bytes", c.Cluster.MaxBytes}} {
		if f.v != 0 && f.v < 1<<20 {
			return fmt.Errorf("config: %s %v: want 0 (a share of JetStream's storage) or at least 1MiB", f.name, f.v)
		}
	}
	if s := c.Lexicon.MaxDropShare; math.IsNaN(s) || s <= 0 || s > 1 {
		return fmt.Errorf("config: lexicon.max_drop_share %v: want a share above 0 and at most 1 (1 never asks for force)", s)
	}
	return nil
}
