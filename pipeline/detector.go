package pipeline

import (
	"slices"
	"sort"
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
	stream    *lexicon.Stream // its partials, when current can stream
	version   string
	fired     map[string]bool
	// last is the previous hypothesis of the utterance and its hits: a
	// partial that repeats it word for word cannot hit anything new.
	last     transcript.Hypothesis
	lastHits []lexicon.Hit
}

// NewDetector makes a Detector for one session of room; session keeps
// utterance numbers of different streams of the room apart.
func NewDetector(room Room, session string, matcher MatcherFunc) *Detector {
	return &Detector{room: room, session: session, matcher: matcher, now: time.Now, fired: map[string]bool{}}
}

// Session is the id alerts of this detector carry.
func (d *Detector) Session() string { return d.session }

// Detect matches h and returns the alert for the hits not yet alerted in
// its utterance (none, or one alert listing them all, the most severe
// leading), and every hit on h (for the transcript store).
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
		d.stream = nil
		if s, ok := d.current.(lexicon.StreamMatcher); ok {
			d.stream = s.NewStream()
		}
		clear(d.fired)
		d.last, d.lastHits = transcript.Hypothesis{}, nil
	}
	if d.repeats(h) {
		// Its hits are the previous hypothesis' and all of them fired: no
		// alert, and no need to match again. Recognizers and platforms
		// repeat partials while a speaker pauses.
		return nil, d.lastHits
	}
	var hits []lexicon.Hit
	if d.stream != nil {
		hits = d.stream.Match(h)
	} else {
		hits = d.current.Match(h)
	}
	d.last, d.lastHits = h, hits
	if h.Final {
		// The utterance is over: its stream's tokens and buffers (a few KB)
		// need not wait in the heap for the session's next utterance, which
		// starts a stream of its own. With 20,000 rooms that was 50 MB the
		// garbage collector marked on every cycle. A hypothesis of this
		// utterance arriving after all (a repeated final) is matched whole,
		// with the same hits, and fired still holds its rules.
		d.stream, d.last, d.lastHits = nil, transcript.Hypothesis{}, nil
	}
	var fresh []lexicon.Hit
	for _, hit := range hits {
		if d.fired[hit.RuleID] {
			continue
		}
		d.fired[hit.RuleID] = true
		fresh = append(fresh, hit)
	}
	if len(fresh) == 0 {
		return nil, hits
	}
	return []alerter.Alert{d.alert(h, fresh)}, hits
}

// repeats reports whether h is a partial with the same text and
// alternatives as the previous hypothesis of its utterance (and the same
// words, which place the hits). A final is always matched: it is what the
// transcript store keeps.
func (d *Detector) repeats(h transcript.Hypothesis) bool {
	p := &d.last
	return !h.Final && h.Text != "" && p.Utterance == h.Utterance && p.Text == h.Text &&
		slices.Equal(p.Alternatives, h.Alternatives) && slices.Equal(p.Words, h.Words) &&
		p.Start == h.Start && p.End == h.End
}

// alert groups the new hits of one hypothesis into one alert: one alert
// and one reminder per sentence, however many rules it breaks. The most
// severe hit leads (then the earliest); the top-level fields are its.
func (d *Detector) alert(h transcript.Hypothesis, fresh []lexicon.Hit) alerter.Alert {
	hits := make([]alerter.AlertHit, len(fresh))
	for i, hit := range fresh {
		hits[i] = alerter.AlertHit{RuleID: hit.RuleID, Category: hit.Category, Severity: hit.Severity,
			Reminder: hit.Reminder, Policy: hit.Policy, Pattern: hit.Pattern, MatchedText: hit.MatchedText,
			Via: hit.Via, Score: hit.Score, StartMs: hit.Start.Milliseconds(), EndMs: hit.End.Milliseconds()}
	}
	sort.SliceStable(hits, func(i, j int) bool {
		return alerter.SeverityRank(hits[i].Severity) > alerter.SeverityRank(hits[j].Severity)
	})
	now := d.now().UTC()
	// The id is set here, not in the sink, so every caller (the upload
	// response, evidence clips, logs) knows it before the alert is stored.
	a := alerter.Alert{
		Schema: alerter.SchemaVersion, ID: alerter.NewID(now), At: now,
		Room: d.room.ID, Anchor: d.room.Anchor, Merchant: d.room.Merchant,
		Session: d.session, LexiconVersion: d.version, Context: h.Text, Utterance: h.Utterance, Final: h.Final, Recognizer: h.Recognizer,
	}.ForHit(hits[0])
	if len(hits) > 1 {
		a.Hits = hits
	}
	return a
}
