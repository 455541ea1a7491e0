package reports

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// Poll states.
const (
	PollOpen   = "open"
	PollClosed = "closed"
)

// Poll limits and defaults.
const (
	MaxQuestion     = 200
	MaxOption       = 40
	MaxOptions      = 4
	DefaultQuestion = "Was this claim true?"
)

// DefaultOptions are a poll's answers unless staff write their own.
var DefaultOptions = []string{"yes", "no"}

// Errors of polls.
var (
	ErrBadPoll    = errors.New("poll request is malformed")
	ErrPollExists = errors.New("the alert already has a poll")
	ErrPollOpen   = errors.New("the room already has an open poll")
	ErrNoPoll     = errors.New("no poll")
	ErrPollClosed = errors.New("the poll is closed")
	ErrVoted      = errors.New("the viewer already voted in this poll")
	ErrBadOption  = errors.New("not one of the poll's options")
)

// PollRequest is the body of POST /v1/alerts/{id}/poll.
type PollRequest struct {
	Question string   `json:"question,omitempty"`
	Options  []string `json:"options,omitempty"`
}

// Poll is a question staff put to a room's viewers about an alert ("was
// this claim true?"). Counts are running totals; viewers see them only
// once the poll is closed (ForViewer).
type Poll struct {
	ID       string         `json:"id"`
	AlertID  string         `json:"alert_id"`
	Room     string         `json:"room"`
	Question string         `json:"question"`
	Options  []string       `json:"options"`
	State    string         `json:"state"`
	OpenedBy string         `json:"opened_by"`
	OpenedAt time.Time      `json:"opened_at"`
	ClosedBy string         `json:"closed_by,omitempty"`
	ClosedAt time.Time      `json:"closed_at,omitzero"`
	Votes    int            `json:"votes"`
	Counts   map[string]int `json:"counts,omitempty"`
	// Voted is set for the viewer who asks: they voted already.
	Voted bool `json:"voted,omitempty"`
}

// ForViewer hides the running counts of an open poll.
func (p Poll) ForViewer() Poll {
	if p.State == PollOpen {
		p.Counts, p.Votes = nil, 0
	}
	return p
}

func pollKey(alertID string) string  { return "poll." + alertID }
func roomPollKey(room string) string { return "roompoll." + room }
func voteKey(pollID, reporter string) string {
	return "vote." + pollID + "." + reporter
}

// DecodePollRequest checks a poll body (an empty body asks the default
// question).
func DecodePollRequest(body []byte) (PollRequest, error) {
	var r PollRequest
	if len(strings.TrimSpace(string(body))) > 0 {
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return r, fmt.Errorf("%w: %v (want {\"question\": \"...\", \"options\": [\"yes\", \"no\"]})", ErrBadPoll, err)
		}
	}
	var err error
	if r.Question, err = cleanText(r.Question); err != nil || len([]rune(r.Question)) > MaxQuestion {
		return r, fmt.Errorf("%w: question: at most %d characters of text", ErrBadPoll, MaxQuestion)
	}
	if r.Question == "" {
		r.Question = DefaultQuestion
	}
	if len(r.Options) == 0 {
		r.Options = slices.Clone(DefaultOptions)
	}
	if len(r.Options) < 2 || len(r.Options) > MaxOptions {
		return r, fmt.Errorf("%w: options: want 2 to %d", ErrBadPoll, MaxOptions)
	}
	for i, o := range r.Options {
		if o, err = cleanText(o); err != nil || o == "" || len([]rune(o)) > MaxOption || slices.Contains(r.Options[:i], o) {
			return r, fmt.Errorf("%w: option %d: want distinct texts of 1 to %d characters", ErrBadPoll, i+1, MaxOption)
		}
		r.Options[i] = o
	}
	return r, nil
}

// OpenPoll opens a poll on alert a, shown to its room's viewers; a room
// has at most one open poll, an alert one poll.
func (s *Service) OpenPoll(ctx context.Context, a alerter.Alert, by string, req PollRequest) (Poll, error) {
	if _, ok, err := s.getPoll(ctx, a.ID); err != nil {
		return Poll{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	} else if ok {
		return Poll{}, fmt.Errorf("%w: alert %s", ErrPollExists, a.ID)
	}
	var refused error
	err := update(ctx, s.kv, roomPollKey(a.Room), func(cur *string, found bool) bool {
		if found && *cur != "" {
			if old, ok, _ := s.getPoll(ctx, *cur); ok && old.State == PollOpen {
				refused = fmt.Errorf("%w: close the poll on alert %s first", ErrPollOpen, old.AlertID)
				return false
			}
		}
		*cur = a.ID
		return true
	})
	if refused != nil {
		return Poll{}, refused
	}
	if err != nil {
		return Poll{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	p := Poll{ID: a.ID, AlertID: a.ID, Room: a.Room, Question: req.Question, Options: req.Options, State: PollOpen,
		OpenedBy: by, OpenedAt: s.opts.Now(), Counts: map[string]int{}}
	data, err := json.Marshal(p)
	if err != nil {
		return Poll{}, err
	}
	if _, err := s.kv.Create(ctx, pollKey(a.ID), data); errors.Is(err, jetstream.ErrKeyExists) {
		return Poll{}, fmt.Errorf("%w: alert %s", ErrPollExists, a.ID)
	} else if err != nil {
		return Poll{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return p, nil
}

// ClosePoll closes alertID's poll: its counts become visible to viewers.
func (s *Service) ClosePoll(ctx context.Context, alertID, by string) (Poll, error) {
	var out Poll
	var refused error
	err := update(ctx, s.kv, pollKey(alertID), func(p *Poll, found bool) bool {
		switch {
		case !found:
			refused = fmt.Errorf("%w: alert %s has no poll", ErrNoPoll, alertID)
			return false
		case p.State == PollClosed:
			refused = fmt.Errorf("%w: closed by %s at %s", ErrPollClosed, p.ClosedBy, p.ClosedAt.Format(time.RFC3339))
			return false
		}
		p.State, p.ClosedBy, p.ClosedAt = PollClosed, by, s.opts.Now()
		out = *p
		return true
	})
	if refused != nil {
		return Poll{}, refused
	}
	if err != nil {
		return Poll{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return out, nil
}

// PollOf is alertID's poll with its running counts (staff's view).
func (s *Service) PollOf(ctx context.Context, alertID string) (Poll, bool, error) {
	return s.getPoll(ctx, alertID)
}

func (s *Service) getPoll(ctx context.Context, alertID string) (Poll, bool, error) {
	var p Poll
	e, err := s.kv.Get(ctx, pollKey(alertID))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return p, false, nil
	}
	if err != nil {
		return p, false, err
	}
	return p, true, json.Unmarshal(e.Value(), &p)
}

// RoomPoll is the room's latest poll as viewer sees it: open (counts
// hidden) or closed (the result).
func (s *Service) RoomPoll(ctx context.Context, room, viewer string) (Poll, error) {
	e, err := s.kv.Get(ctx, roomPollKey(room))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Poll{}, fmt.Errorf("%w: room %s has had no poll", ErrNoPoll, room)
	}
	if err != nil {
		return Poll{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	var id string
	if err := json.Unmarshal(e.Value(), &id); err != nil {
		return Poll{}, err
	}
	p, ok, err := s.getPoll(ctx, id)
	if err != nil || !ok {
		return Poll{}, fmt.Errorf("%w: room %s's poll %s is gone (%v)", ErrNoPoll, room, id, err)
	}
	if _, err := s.kv.Get(ctx, voteKey(p.ID, Reporter(viewer))); err == nil {
		p.Voted = true
	}
	return p.ForViewer(), nil
}

// Vote records viewer's vote in room's open poll pollID, once per viewer.
func (s *Service) Vote(ctx context.Context, viewer, room, pollID, option string) (Poll, error) {
	p, ok, err := s.getPoll(ctx, pollID)
	switch {
	case err != nil:
		return Poll{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	case !ok || p.Room != room:
		return Poll{}, fmt.Errorf("%w: room %s has no poll %q", ErrNoPoll, room, pollID)
	case p.State != PollOpen:
		return Poll{}, fmt.Errorf("%w: voting has ended", ErrPollClosed)
	case !slices.Contains(p.Options, option):
		return Poll{}, fmt.Errorf("%w: %q: want one of %s", ErrBadOption, clip(option, 40), strings.Join(p.Options, ", "))
	}
	if _, err := s.kv.Create(ctx, voteKey(pollID, Reporter(viewer)), []byte(option)); errors.Is(err, jetstream.ErrKeyExists) {
		return Poll{}, fmt.Errorf("%w", ErrVoted)
	} else if err != nil {
		return Poll{}, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	err = update(ctx, s.kv, pollKey(pollID), func(p *Poll, found bool) bool {
		if !found || p.State != PollOpen {
			return false // closed meanwhile: the vote came too late
		}
		if p.Counts == nil {
			p.Counts = map[string]int{}
		}
		p.Counts[option]++
		p.Votes++
		return true
	})
	if err != nil {
		return Poll{}, fmt.Errorf("%w: counting the vote: %w", ErrUnavailable, err)
	}
	p.Voted = true
	return p.ForViewer(), nil
}
