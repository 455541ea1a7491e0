package api

// Trust ledger (issue 14; docs/trust.md has every formula).

// TrustIndicator is one measured quantity of an account's window: its
// value, its weight in the score (0: shown, not scored), its sub-score in
// [0, 1] and its contribution (100 * weight * sub_score / 100). The
// contributions add up to the score.
type TrustIndicator struct {
	Name         string  `json:"name"`
	Value        float64 `json:"value"`
	Weight       float64 `json:"weight"`
	SubScore     float64 `json:"sub_score"`
	Contribution float64 `json:"contribution"`
	// NoData: the indicator had nothing to divide by, so it scores 1.
	NoData  bool   `json:"no_data,omitempty"`
	Formula string `json:"formula"`
}

// TrustPoint is one day of an account's history: the score and the
// indicators' values of the window ending that day.
type TrustPoint struct {
	Date       string             `json:"date"`
	Score      float64            `json:"score"`
	Indicators map[string]float64 `json:"indicators"`
}

// TrustReport is GET /v1/trust/anchors/{id} and /v1/trust/merchants/{id}:
// an anchor's or merchant's trust score over the rolling window [from, to]
// (UTC days), with every indicator.
type TrustReport struct {
	// Kind is "anchor" or "merchant".
	Kind string `json:"kind"`
	ID   string `json:"id"`
	// Score is 0 (no trust) to 100.
	Score float64 `json:"score"`
	// Formula names the formula version (docs/trust.md), e.g. "trust-v1".
	Formula    string           `json:"formula"`
	WindowDays int              `json:"window_days"`
	From       string           `json:"from"`
	To         string           `json:"to"`
	Indicators []TrustIndicator `json:"indicators"`
	// Violations counts lexicon alerts by "category/severity".
	Violations map[string]int64 `json:"violations"`
	// History is the last ?history= days (default 30, 0 for none), oldest
	// first; lists leave it out.
	History []TrustPoint `json:"history,omitempty"`
}

// TrustList is GET /v1/trust/anchors and /v1/trust/merchants: the accounts
// with anything in the window, ranked by ?sort= (score: lowest first by
// default; airtime; id) and ?order= (asc, desc), at most ?limit=.
type TrustList struct {
	Kind       string        `json:"kind"`
	WindowDays int           `json:"window_days"`
	Sort       string        `json:"sort"`
	Order      string        `json:"order"`
	Total      int           `json:"total"`
	Accounts   []TrustReport `json:"accounts"`
}

// Bounds of the trust routes' query parameters.
const (
	MaxTrustLimit     = 10000
	DefaultTrustLimit = 100
	MaxTrustHistory   = 366
)
