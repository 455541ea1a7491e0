package trust

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter"
)

// ChangeSchema is the version of Change.
const ChangeSchema = 1

// Change is the message on earshot.trust.<merchant token> (Token: the id
// itself when it is a plain token) when the merchant's score moved by at
// least PublishStep since the last one published, or changed to or from
// having data. A recommendation system subscribes to earshot.trust.> and
// keeps the latest per merchant; GET /v1/trust/merchants/{id} answers the
// same report at any time, so a missed message is never lost for good.
type Change struct {
	Schema     int         `json:"schema"`
	Merchant   string      `json:"merchant"`
	Score      float64     `json:"score"`
	Previous   *float64    `json:"previous,omitempty"`
	Formula    string      `json:"formula"`
	WindowDays int         `json:"window_days"`
	From       string      `json:"from"`
	To         string      `json:"to"`
	At         time.Time   `json:"at"`
	Indicators []Indicator `json:"indicators"`
}

// PublishStep is the least change of a score that is published.
const PublishStep = 0.5

// publisher sends Change messages; the last score sent per merchant is
// kept in the bucket (p.<token>), so a new writer does not resend them.
type publisher struct {
	nc   *nats.Conn
	kv   jetstream.KeyValue
	view *View
	log  *slog.Logger
	mu   sync.Mutex
	last map[string]float64
	sent atomic.Uint64
}

func newPublisher(nc *nats.Conn, kv jetstream.KeyValue, v *View, log *slog.Logger) *publisher {
	return &publisher{nc: nc, kv: kv, view: v, log: log, last: map[string]float64{}}
}

func (p *publisher) lastScore(ctx context.Context, id string) (float64, bool) {
	if s, ok := p.last[id]; ok {
		return s, true
	}
	data, _, found, err := kvLoad(ctx, p.kv)("p." + Token(id))
	if err != nil || !found {
		return 0, false
	}
	s, err := strconv.ParseFloat(string(data), 64)
	if err != nil {
		return 0, false
	}
	p.last[id] = s
	return s, true
}

// changed publishes the merchants whose score moved.
func (p *publisher) changed(ctx context.Context, merchants []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	seen := map[string]bool{}
	for _, id := range merchants {
		if seen[id] {
			continue
		}
		seen[id] = true
		r, _ := p.view.Account(Merchant, id)
		prev, had := p.lastScore(ctx, id)
		if had && abs(prev-r.Score.Score) < PublishStep {
			continue
		}
		c := Change{Schema: ChangeSchema, Merchant: id, Score: r.Score.Score, Formula: r.Formula, WindowDays: r.Days,
			From: r.From, To: r.To, At: time.Now().UTC(), Indicators: r.Indicators}
		if had {
			c.Previous = &prev
		}
		data, err := json.Marshal(c)
		if err != nil {
			continue
		}
		msg := &nats.Msg{Subject: alerter.TrustSubject(Token(id)), Data: data, Header: nats.Header{}}
		msg.Header.Set("Content-Type", "application/json")
		msg.Header.Set("Earshot-Schema", strconv.Itoa(ChangeSchema))
		if err := p.nc.PublishMsg(msg); err != nil {
			p.log.Warn("trust: publish score", "merchant", id, "err", err)
			continue
		}
		p.last[id] = r.Score.Score
		p.sent.Add(1)
		wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if _, err := p.kv.Put(wctx, "p."+Token(id), []byte(strconv.FormatFloat(r.Score.Score, 'f', -1, 64))); err != nil {
			p.log.Warn("trust: remember published score", "merchant", id, "err", err)
		}
		cancel()
	}
}

// recheck compares every merchant in the view: days leave the window
// without any event.
func (p *publisher) recheck(ctx context.Context) {
	p.changed(ctx, p.view.IDs(Merchant))
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}
