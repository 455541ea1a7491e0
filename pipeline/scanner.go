package pipeline

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/transcript"
)

// Heard is one hypothesis of one session of a room: the value that enters
// the path from hypothesis to alert. It carries everything the path needs
// (room, session, utterance number, stream times, text) and nothing that
// lives only in this process, so it can cross a process boundary (a NATS
// subject) unchanged. In JSON the hypothesis' fields sit beside room and
// session.
type Heard struct {
	Room    Room   `json:"room"`
	Session string `json:"session"`
	transcript.Hypothesis
}

// ScanConfig is what a Scanner is wired to.
type ScanConfig struct {
	// Matcher is asked for the lexicon version once per utterance.
	Matcher MatcherFunc
	// Sink receives every new alert; an alert counts once it accepted it.
	Sink alerter.Sink
	// OnHypothesis, if set, sees every hypothesis with all of its hits,
	// after matching and before its alerts are sent (the transcript store,
	// live captions). It must be quick and must not block: on the audio path
	// it runs on the recognizer's goroutine.
	OnHypothesis func(h Heard, hits []lexicon.Hit)
	// Linker, if set, sees every final hypothesis after its alerts were
	// delivered (the scan role's returning-violator check, package links);
	// the alerts it returns are delivered the same way. Its failure is
	// logged and never fails the scan: the lexicon's alerts come first.
	Linker Linker
	Logger *slog.Logger
}

// Linker links what a final hypothesis says to earlier ones (contact
// identifiers of banned accounts) and returns the alerts that raises.
// alerts are the ones the scanner delivered for h.
type Linker interface {
	Link(ctx context.Context, h Heard, alerts []alerter.Alert) ([]alerter.Alert, error)
}

// Scanner is the one path from hypothesis to alert, shared by audio rooms
// (Run), text fed by a platform's own ASR and `earshot scan`: it pins the
// lexicon version per utterance, alerts each rule once per utterance,
// hands hypotheses and hits to the transcript hook, counts utterances and
// delivered alerts, and sends alerts to the sink.
//
// It keeps the deduplication state of each session it has seen, keyed by
// room and session id, until End. Hypotheses of one session must be
// scanned in order (one goroutine per session); different sessions may be
// scanned concurrently.
type Scanner struct {
	cfg ScanConfig

	mu       sync.Mutex
	sessions map[sessionKey]*scanState
}

type sessionKey struct{ room, session string }

// scanState is one session's detector and the counters its figures go to.
type scanState struct {
	det   *Detector
	stats *Stats
}

// NewScanner makes a Scanner; Matcher and Sink are required.
func NewScanner(cfg ScanConfig) (*Scanner, error) {
	if cfg.Matcher == nil || cfg.Sink == nil {
		return nil, errors.New("pipeline: a scanner needs a Matcher and a Sink")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Scanner{cfg: cfg, sessions: map[sessionKey]*scanState{}}, nil
}

// Begin starts a session: its hypotheses and delivered alerts are counted
// in stats (nil: counted nowhere visible) and its alerts carry room's
// anchor and merchant. A session scanned without Begin is begun on its
// first hypothesis with the room that hypothesis names.
func (s *Scanner) Begin(room Room, session string, stats *Stats) {
	if stats == nil {
		stats = &Stats{}
	}
	st := &scanState{det: NewDetector(room, session, s.cfg.Matcher), stats: stats}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[sessionKey{room.ID, session}] = st
}

// End forgets a session's deduplication state; call it once the session
// will be scanned no more.
func (s *Scanner) End(room, session string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.sessions, sessionKey{room, session})
}

func (s *Scanner) state(room Room, session string) *scanState {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := sessionKey{room.ID, session}
	st, ok := s.sessions[k]
	if !ok {
		st = &scanState{det: NewDetector(room, session, s.cfg.Matcher), stats: &Stats{}}
		s.sessions[k] = st
	}
	return st
}

// Scan runs h through the whole path and returns the alerts the sink
// accepted. Every new alert of h is tried even after one fails; the error
// joins the failures.
func (s *Scanner) Scan(ctx context.Context, h Heard) ([]alerter.Alert, error) {
	return s.ScanWith(ctx, h, nil)
}

// ScanWith is Scan with every new alert given the clip URL clipURL(alert
// id) before it is sent (nil: none): the session that heard h keeps its
// recent audio and saves the clip once it learns of the alert.
func (s *Scanner) ScanWith(ctx context.Context, h Heard, clipURL func(alertID string) string) ([]alerter.Alert, error) {
	found := s.detect(h)
	out := make([]alerter.Alert, 0, len(found))
	var errs []error
	send := func(found []alerter.Alert) {
		for _, a := range found {
			if clipURL != nil {
				a.ClipURL = clipURL(a.ID)
			}
			if err := s.deliver(ctx, a); err != nil {
				errs = append(errs, err)
				continue
			}
			out = append(out, a)
		}
	}
	send(found)
	if s.cfg.Linker != nil && h.Final && strings.TrimSpace(h.Text) != "" {
		linked, err := s.cfg.Linker.Link(ctx, h, out)
		if err != nil {
			s.cfg.Logger.Warn("contact identifiers not linked", "room", h.Room.ID, "session", h.Session, "utterance", h.Utterance, "err", err)
		}
		send(linked)
	}
	return out, errors.Join(errs...)
}

// detect is the first half of Scan: it matches h, feeds the transcript
// hook, counts the hypothesis and returns the alerts to deliver. Run calls
// it on the recognizer's goroutine and delivers on another.
func (s *Scanner) detect(h Heard) []alerter.Alert {
	st := s.state(h.Room, h.Session)
	st.stats.Hypotheses.Add(1)
	if h.Final {
		st.stats.Utterances.Add(1)
	}
	found, hits := st.det.Detect(h.Hypothesis)
	if s.cfg.OnHypothesis != nil {
		s.cfg.OnHypothesis(h, hits)
	}
	return found
}

// deliver is the second half of Scan: it sends a and counts it once the
// sink accepted it.
func (s *Scanner) deliver(ctx context.Context, a alerter.Alert) error {
	if err := s.cfg.Sink.Send(ctx, a); err != nil {
		s.cfg.Logger.Error("alert not delivered", "room", a.Room, "session", a.Session, "rule", a.RuleID, "utterance", a.Utterance, "err", err)
		return fmt.Errorf("pipeline: sending alert for rule %s: %w", a.RuleID, err)
	}
	s.mu.Lock()
	st := s.sessions[sessionKey{a.Room, a.Session}]
	s.mu.Unlock()
	if st != nil { // nil: the session ended while its alert was in flight
		st.stats.Alerts.Add(1)
	}
	return nil
}
