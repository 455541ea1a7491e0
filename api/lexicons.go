package api

import "time"

// LexiconSummary is a published lexicon version without its YAML: the
// answer to publish and rollback, and the entries of LexiconList.
type LexiconSummary struct {
	Number      int       `json:"version"`
	Name        string    `json:"name"`
	Rules       int       `json:"rules"`
	PublishedAt time.Time `json:"published_at"`
	Author      string    `json:"author"`
	Message     string    `json:"message"`
	Hash        string    `json:"hash"`
	RollbackOf  int       `json:"rollback_of,omitempty"`
	Added       int       `json:"added"`
	Removed     int       `json:"removed"`
	Changed     int       `json:"changed"`
}

// LexiconVersion is GET /v1/lexicons/{version}: the whole record.
type LexiconVersion struct {
	Number      int       `json:"version"`
	Name        string    `json:"name"`
	Rules       int       `json:"rules"`
	PublishedAt time.Time `json:"published_at"`
	Author      string    `json:"author"`
	Message     string    `json:"message"`
	// Hash is "sha256:<hex>" of YAML.
	Hash string `json:"hash"`
	// Previous is the version this one replaced (0 for the first).
	Previous   int    `json:"previous,omitempty"`
	RollbackOf int    `json:"rollback_of,omitempty"`
	YAML       string `json:"yaml,omitempty"`
	// Diff is against Previous.
	Diff *LexiconDiff `json:"diff,omitempty"`
}

// ActiveLexicon is GET /v1/lexicons/active: the live version and its rule
// count per category.
type ActiveLexicon struct {
	LexiconSummary
	Categories map[string]int `json:"categories"`
}

// LexiconList is GET /v1/lexicons.
type LexiconList struct {
	Versions []LexiconSummary `json:"versions"`
}

// AuditEntry is one line of the lexicon audit log.
type AuditEntry struct {
	At    time.Time `json:"at"`
	Actor string    `json:"actor"`
	// Action is bootstrap, publish, rollback or rejected.
	Action  string `json:"action"`
	Version int    `json:"version,omitempty"`
	Message string `json:"message,omitempty"`
	Hash    string `json:"hash,omitempty"`
}

// AuditLog is GET /v1/lexicons/audit, oldest first.
type AuditLog struct {
	Entries []AuditEntry `json:"entries"`
}

// LexiconDiff lists the rules added, removed and changed between two
// versions.
type LexiconDiff struct {
	Added   []RuleRef     `json:"added"`
	Removed []RuleRef     `json:"removed"`
	Changed []RuleChange  `json:"changed"`
	Fields  []FieldChange `json:"fields,omitempty"` // lexicon-level: name, description
}

// Empty reports whether nothing changed.
func (d *LexiconDiff) Empty() bool {
	return d == nil || len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.Fields) == 0
}

// RuleRef names a rule.
type RuleRef struct {
	ID       string `json:"id"`
	Category string `json:"category"`
}

// RuleChange lists the fields of one rule that differ.
type RuleChange struct {
	ID       string        `json:"id"`
	Category string        `json:"category"`
	Fields   []FieldChange `json:"fields"`
}

// FieldChange is one field's old and new value as text; for list fields
// each added or removed entry is its own change, with Old or New empty.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
}

// DiffResult is GET /v1/lexicons/{version}/diff.
type DiffResult struct {
	Version int          `json:"version"`
	Against int          `json:"against"`
	Diff    *LexiconDiff `json:"diff"`
}

// DraftRequest is the JSON body of validate, test, backtest, publish and
// rollback; each reads the fields it needs. (They also take a raw YAML body
// with the other fields in the query string.)
type DraftRequest struct {
	YAML string `json:"yaml,omitempty"`
	// Text is what test matches.
	Text string `json:"text,omitempty"`
	// From and To bound a backtest, RFC 3339; default: the day before now.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Message and Author describe a publish or rollback.
	Message string `json:"message,omitempty"`
	Author  string `json:"author,omitempty"`
	// Base makes a publish fail with conflict unless it is still live.
	Base int `json:"base,omitempty"`
	// Version is the version a rollback publishes again.
	Version int `json:"version,omitempty"`
	// Force publishes (or rolls back to) a version with no rules or one
	// dropping more than lexicon.max_drop_share of the live rules, which
	// is otherwise refused with needs_force.
	Force bool `json:"force,omitempty"`
}

// Problem is one validation error, naming file, rule and field.
type Problem struct {
	File    string `json:"file"`
	Rule    string `json:"rule,omitempty"`
	Index   int    `json:"index,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Text is the whole error as one line.
	Text string `json:"text"`
}

// ValidateResult is POST /v1/lexicons/validate: invalid drafts list their
// problems; valid ones their rules and their diff against the live version.
type ValidateResult struct {
	Valid  bool      `json:"valid"`
	Errors []Problem `json:"errors"`
	Name   string    `json:"name,omitempty"`
	// Allow is the lexicon-level allow list (phrases inside which no rule
	// fires).
	Allow    []string     `json:"allow,omitempty"`
	Rules    int          `json:"rules,omitempty"`
	RuleList []Rule       `json:"rule_list,omitempty"`
	Diff     *LexiconDiff `json:"diff,omitempty"`
}

// Rule is a lexicon rule as the editor reads it. Its JSON names are the Go
// field names (ID, Category, …): the editor page was written against them.
type Rule struct {
	ID          string      `json:"ID"`
	Category    string      `json:"Category"`
	Severity    string      `json:"Severity"`
	Languages   []string    `json:"Languages"`
	Description string      `json:"Description"`
	Patterns    []Pattern   `json:"Patterns"`
	Exceptions  []Exception `json:"Exceptions"`
	// Allow, ShortLatinGuard, Romanized and Typed: see docs/lexicon.md.
	Allow           []string `json:"Allow"`
	ShortLatinGuard *bool    `json:"ShortLatinGuard"`
	Romanized       bool     `json:"Romanized"`
	Typed           bool     `json:"Typed"`
	Reminder        string   `json:"Reminder"`
	Policy          string   `json:"Policy"`
	Cooldown        string   `json:"Cooldown"`
	// CooldownDuration is Cooldown in nanoseconds (0 when unset).
	CooldownDuration time.Duration `json:"CooldownDuration"`
}

// Pattern is a rule's phrase or digit-run pattern.
type Pattern struct {
	Phrase        string   `json:"Phrase"`
	Slop          *int     `json:"Slop"`
	Fuzzy         *bool    `json:"Fuzzy"`
	Digits        int      `json:"Digits"`
	Contact       string   `json:"Contact"`
	NotFollowedBy []string `json:"NotFollowedBy"`
	NotPrecededBy []string `json:"NotPrecededBy"`
	NotInside     []string `json:"NotInside"`
}

// Exception is a phrase that cancels a rule's hit near it.
type Exception struct {
	Phrase string `json:"Phrase"`
	Window *int   `json:"Window"`
	Fuzzy  *bool  `json:"Fuzzy"`
	Slop   *int   `json:"Slop"`
}

// TestResult is POST /v1/lexicons/test.
type TestResult struct {
	// Lexicon is "draft" or "live".
	Lexicon     string        `json:"lexicon"`
	Text        string        `json:"text"`
	Hits        []LexiconHit  `json:"hits"`
	Explanation []Explanation `json:"explanation"`
}

// LexiconHit is one rule that fires on a text.
type LexiconHit struct {
	RuleID      string `json:"rule_id"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Reminder    string `json:"reminder"`
	Policy      string `json:"policy,omitempty"`
	Pattern     string `json:"pattern"`
	MatchedText string `json:"matched_text"`
	// Via is exact, stem, pinyin, phonetic or digits.
	Via   string        `json:"via"`
	Start time.Duration `json:"start_ns"`
	End   time.Duration `json:"end_ns"`
	Score float64       `json:"score"`
}

// Explanation is one candidate pattern occurrence and what became of it.
type Explanation struct {
	RuleID      string  `json:"rule_id"`
	Pattern     string  `json:"pattern"`
	Candidate   bool    `json:"candidate"`
	Matched     bool    `json:"matched"`
	Via         string  `json:"via,omitempty"`
	Score       float64 `json:"score,omitempty"`
	MatchedText string  `json:"matched_text,omitempty"`
	// Cancelled names the exception or guard that cancelled the match.
	Cancelled string `json:"cancelled,omitempty"`
	Fired     bool   `json:"fired"`
}

// BacktestRequest is what Client.Backtest sends (as a DraftRequest).
type BacktestRequest struct {
	YAML []byte
	// From and To bound the scan; zero values are the server's defaults
	// (to: now, from: a day before to).
	From, To time.Time
}

// BacktestReport is POST /v1/lexicons/backtest: the draft against the live
// version over stored transcripts.
type BacktestReport struct {
	From       time.Time `json:"from"`
	To         time.Time `json:"to"`
	Utterances int       `json:"utterances"`
	Truncated  bool      `json:"truncated,omitempty"`
	LiveHits   int       `json:"live_hits"`
	DraftHits  int       `json:"draft_hits"`
	Gained     int       `json:"gained"`
	Lost       int       `json:"lost"`
	Kept       int       `json:"kept"`
	// Rules lists every rule with a hit in either version, biggest change
	// first.
	Rules        []RuleDelta      `json:"rules"`
	Categories   []CategoryDelta  `json:"categories"`
	Dispositions *DispositionDiff `json:"dispositions,omitempty"`
	ElapsedMs    float64          `json:"elapsed_ms"`
	PerSecond    float64          `json:"utterances_per_second"`
	// Nodes are the index nodes whose transcripts were scanned; in a
	// cluster, Partial says some did not answer in time (MissingNodes) and
	// the counts lack their shares.
	Nodes        []string `json:"nodes,omitempty"`
	MissingNodes []string `json:"missing_nodes,omitempty"`
	Partial      bool     `json:"partial,omitempty"`
}

// RuleDelta is one rule's hits under each version.
type RuleDelta struct {
	RuleID   string    `json:"rule_id"`
	Category string    `json:"category"`
	Live     int       `json:"live"`
	Draft    int       `json:"draft"`
	Gained   int       `json:"gained"`
	Lost     int       `json:"lost"`
	Examples []Example `json:"examples,omitempty"`
}

// CategoryDelta sums RuleDelta by category.
type CategoryDelta struct {
	Category string `json:"category"`
	Live     int    `json:"live"`
	Draft    int    `json:"draft"`
	Gained   int    `json:"gained"`
	Lost     int    `json:"lost"`
}

// Example is one utterance whose hit changed.
type Example struct {
	// Change is "gained" or "lost".
	Change      string    `json:"change"`
	RecordID    string    `json:"record_id"`
	Room        string    `json:"room"`
	Session     string    `json:"session"`
	Utterance   uint64    `json:"utterance"`
	At          time.Time `json:"at"`
	StartMs     int64     `json:"start_ms"`
	EndMs       int64     `json:"end_ms"`
	Text        string    `json:"text"`
	MatchedText string    `json:"matched_text"`
}

// DispositionDiff says what the draft does to reviewed alerts in range.
type DispositionDiff struct {
	Available        bool `json:"available"`
	Total            int  `json:"total"`
	Matched          int  `json:"matched"`
	ConfirmedLost    int  `json:"confirmed_lost"`
	ConfirmedKept    int  `json:"confirmed_kept"`
	DismissedRaised  int  `json:"dismissed_still_raised"`
	DismissedDropped int  `json:"dismissed_dropped"`
}

// PublishRequest is what Client.Publish sends.
type PublishRequest struct {
	YAML    []byte
	Message string
	Author  string
	// Base, if not 0, makes the publish fail with conflict unless Base is
	// still the live version.
	Base int
	// Force: see DraftRequest.Force.
	Force bool
}

// RollbackRequest is what Client.Rollback sends.
type RollbackRequest struct {
	Version int
	Message string
	Author  string
	Force   bool
}

// Term is one value of a closed vocabulary: its id (what the API and the
// lexicon format carry), a label for people and what it means.
type Term struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	// LabelZH is the label in Chinese, for pages shown in Chinese.
	LabelZH     string `json:"label_zh,omitempty"`
	Description string `json:"description,omitempty"`
}

// LexiconSchema is GET /v1/lexicons/schema: the closed vocabularies the
// pages offer (filters, the editor's form, badges), served from the one
// list of each so that no page hard-codes them.
type LexiconSchema struct {
	// Format is the lexicon format version this server reads.
	Format int `json:"format"`
	// Categories are the policed categories a rule belongs to.
	Categories []Term `json:"categories"`
	// Severities go from the least to the most severe.
	Severities []Term `json:"severities"`
	// Languages a rule may be limited to.
	Languages []Term `json:"languages"`
	// PatternKinds are what a rule's patterns can be (phrase, digits,
	// contact).
	PatternKinds []Term `json:"pattern_kinds"`
	// ContactKinds are what a contact pattern finds (email, url, handle).
	ContactKinds []Term `json:"contact_kinds"`
	// RoomStates are the states GET /v1/rooms reports, in lifecycle order.
	RoomStates []string `json:"room_states"`
	// PullSchemes are the URL schemes a room may be registered with
	// (POST /v1/rooms); empty when this server registers no rooms.
	PullSchemes []string `json:"pull_schemes"`
}
