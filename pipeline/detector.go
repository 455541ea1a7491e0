package pipeline

import (
	"context"
	"fmt"
	"log/slog"
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

// MatcherFunc returns the lexicon version in force now. It is called once
// per hypothesis, so a published version takes effect on the next one and an
// utterance is never scanned by half of one version.
type MatcherFunc func() lexicon.Matcher

// Static always returns m.
func Static(m lexicon.Matcher) MatcherFunc { return func() lexicon.Matcher { return m } }

// Detector turns one room's hypotheses into alerts. It remembers which rules
// already fired in the current utterance, so a hit seen on a partial and
// again on the final is alerted once.
type Detector struct {
	room    Room
	session string
	matcher MatcherFunc
	now     func() time.Time

	mu        sync.Mutex
	utterance uint64
	fired     map[string]bool
}

// NewDetector makes a Detector for one session of room; session keeps
// utterance numbers of different streams of the room apart.
func NewDetector(room Room, session string, matcher MatcherFunc) *Detector {
	return &Detector{room: room, session: session, matcher: matcher, now: time.Now, fired: map[string]bool{}}
}

// Detect matches h and returns alerts for hits not yet alerted in its
// utterance.
func (d *Detector) Detect(h transcript.Hypothesis) []alerter.Alert {
	hits := d.matcher().Match(h)
	d.mu.Lock()
	defer d.mu.Unlock()
	if h.Utterance != d.utterance {
		d.utterance = h.Utterance
		clear(d.fired)
	}
	var out []alerter.Alert
	for _, hit := range hits {
		if d.fired[hit.RuleID] {
			continue
		}
		d.fired[hit.RuleID] = true
		out = append(out, d.alert(h, hit))
	}
	return out
}

func (d *Detector) alert(h transcript.Hypothesis, hit lexicon.Hit) alerter.Alert {
	return alerter.Alert{
		Schema: alerter.SchemaVersion, At: d.now().UTC(),
		Room: d.room.ID, Anchor: d.room.Anchor, Merchant: d.room.Merchant,
		RuleID: hit.RuleID, Category: hit.Category, Severity: hit.Severity,
		Reminder: hit.Reminder, Policy: hit.Policy, Pattern: hit.Pattern,
		MatchedText: hit.MatchedText, Via: hit.Via, Score: hit.Score,
		Session: d.session, Context: h.Text, Utterance: h.Utterance, Final: h.Final, Recognizer: h.Recognizer,
		StartMs: hit.Start.Milliseconds(), EndMs: hit.End.Milliseconds(),
	}
}

func send(ctx context.Context, sink alerter.Sink, log *slog.Logger, a alerter.Alert) error {
	if err := sink.Send(ctx, a); err != nil {
		log.Error("alert not delivered", "rule", a.RuleID, "utterance", a.Utterance, "err", err)
		return fmt.Errorf("pipeline: sending alert for rule %s: %w", a.RuleID, err)
	}
	return nil
}
