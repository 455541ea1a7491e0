package reports

import (
	"encoding/json"
	"strings"
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"github.com/nats-io/nats.go"
)

// uttSubjects are the hypotheses of every room (cluster/utt's
// earshot.utt.<room>): the tracker reads where each room's stream is.
const uttSubjects = "earshot.utt.*"

// position is where a room's stream was last heard.
type position struct {
	session          string
	anchor, merchant string
	endMs            int64
	utterance        uint64
	wall             time.Time // when endMs was heard
}

// tracker follows each room's stream position from its hypotheses, so a
// report can be placed in the stream: a moment ahead of it is refused, and
// the moment's wall time finds its transcript.
type tracker struct {
	mu    sync.Mutex
	rooms *lru.Cache[string, position]
	now   func() time.Time
}

func newTracker(maxRooms int, now func() time.Time) *tracker {
	c, _ := lru.New[string, position](max(maxRooms, 1))
	return &tracker{rooms: c, now: now}
}

// uttPosition is the part of a hypothesis the tracker reads.
type uttPosition struct {
	Session   string `json:"session"`
	Utterance uint64 `json:"utterance"`
	EndMs     int64  `json:"end_ms"`
	Anchor    string `json:"anchor"`
	Merchant  string `json:"merchant"`
}

func (t *tracker) onUtt(m *nats.Msg) {
	room := m.Subject[strings.LastIndexByte(m.Subject, '.')+1:]
	var u uttPosition
	if json.Unmarshal(m.Data, &u) != nil || u.Session == "" {
		return
	}
	t.heard(room, u)
}

func (t *tracker) heard(room string, u uttPosition) {
	t.mu.Lock()
	defer t.mu.Unlock()
	p, _ := t.rooms.Get(room)
	if p.session == u.Session && u.EndMs < p.endMs {
		return // a late partial of an earlier utterance
	}
	t.rooms.Add(room, position{session: u.Session, anchor: u.Anchor, merchant: u.Merchant,
		endMs: u.EndMs, utterance: u.Utterance, wall: t.now()})
}

func (t *tracker) position(room string) (position, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.rooms.Get(room)
}

// wallOf is the wall time stream moment ms of p's session was heard (or
// will be: a moment the viewer reports ahead of the last hypothesis).
func (p position) wallOf(ms int64) time.Time {
	return p.wall.Add(time.Duration(ms-p.endMs) * time.Millisecond)
}
