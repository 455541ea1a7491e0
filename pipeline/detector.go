package pipeline

import (
	"sync"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
)

// Room identifies whose broadcast this is.
type Room struct {
	ID       string `json:"id"`
	Anchor   string `json:"anchor,omitempty"`
	Merchant string `json:"merchant,omitempty"`
}

// MatcherFunc returns the lexicon version in force now. The Detector asks
// once per utterance and keeps that answer for all of the utterance's
// hypotheses, so a version published mid-sentence takes effect at the next
// utterance, and no utterance is scanned by neither version or by both.
type MatcherFunc func() lexicon.Matcher

// Static always returns m.
func Static(m lexicon.Matcher) MatcherFunc { return func() lexicon.Matcher { return m } }

// Versioned is implemented by matchers that know which lexicon version they
// were compiled from; alerts then name it.
type Versioned interface{ Version() string }

// Detector turns one session's hypotheses into alerts: it is the Scanner's
// per-session state. It remembers which rules already fired in the current
// utterance, so a hit seen on a partial and again on the final is alerted
// once.
type Detector struct {
	room    Room
	session string
	matcher MatcherFunc
	now     func() time.Time

	mu        sync.Mutex
	utterance uint64
	current   lexicon.Matcher // pinned for the current utterance
	version   string
	fired     map[string]bool
}

// NewDetector makes a Detector for one session of room; session keeps
// utterance numbers of different streams of the room apart.
func NewDetector(room Room, session string, matcher MatcherFunc) *Detector {
	return &Detector{room: room, session: session, matcher: matcher, now: time.Now, fired: map[string]bool{}}
}

// Session is the id alerts of this detector carry.
func (d *Detector) Session() string { return d.session }

// Detect matches h and returns alerts for hits not yet alerted in its
// utterance, and every hit on h (for the transcript store).
func (d *Detector) Detect(h transcript.Hypothesis) ([]alerter.Alert, []lexicon.Hit) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if h.Utterance != d.utterance || d.current == nil {
		d.utterance = h.Utterance
		d.current = d.matcher()
		d.version = ""
		if v, ok := d.current.(Versioned); ok {
			d.version = v.Version()
		}
		clear(d.fired)
	}
	hits := d.current.Match(h)
	var out []alerter.Alert
	for _, hit := range hits {
		if d.fired[hit.RuleID] {
			continue
		}
		d.fired[hit.RuleID] = true
		out = append(out, d.alert(h, hit))
	}
	return out, hits
}

func (d *Detector) alert(h transcript.Hypothesis, hit lexicon.Hit) alerter.Alert {
	now := d.now().UTC()
	// The id is set here, not in the sink, so every caller (the upload
	// response, evidence clips, logs) knows it before the alert is stored.
	return alerter.Alert{
		Schema: alerter.SchemaVersion, ID: alerter.NewID(now), At: now,
		Room: d.room.ID, Anchor: d.room.Anchor, Merchant: d.room.Merchant,
		RuleID: hit.RuleID, Category: hit.Category, Severity: hit.Severity,
		Reminder: hit.Reminder, Policy: hit.Policy, Pattern: hit.Pattern,
		MatchedText: hit.MatchedText, Via: hit.Via, Score: hit.Score,
		Session: d.session, LexiconVersion: d.version, Context: h.Text, Utterance: h.Utterance, Final: h.Final, Recognizer: h.Recognizer,
		StartMs: hit.Start.Milliseconds(), EndMs: hit.End.Milliseconds(),
	}
}
