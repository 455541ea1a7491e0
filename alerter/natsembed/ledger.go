package natsembed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// ledgerName is the file beside the JetStream store in which the server
// writes down what each stream holds, every few seconds and at shutdown.
//
// nats-server, finding a message block truncated, garbled or gone at start,
// rebuilds the stream from what is left and says nothing a client can see:
// the stream simply holds fewer messages (or none, its sequence sometimes
// back at zero), its state reports no lost data, and health is ok. A stream
// whose metadata is damaged does not load at all, and the first client to
// create it again gets an empty stream. Comparing what the streams hold at
// start with what they held is how those losses are found and reported.
const ledgerName = "earshot-streams.json"

const ledgerVersion = 1

type ledger struct {
	Version int                     `json:"version"`
	Streams map[string]streamRecord `json:"streams"` // by account/stream
}

// streamRecord is what one stream held when last written down.
type streamRecord struct {
	Account   string        `json:"account"`
	Stream    string        `json:"stream"`
	Msgs      uint64        `json:"messages"`
	Bytes     uint64        `json:"bytes"`
	FirstSeq  uint64        `json:"first_seq"`
	LastSeq   uint64        `json:"last_seq"`
	FirstTime time.Time     `json:"first_ts"`
	LastTime  time.Time     `json:"last_ts"`
	MaxAge    time.Duration `json:"max_age"`
	// PerSubject is the stream's MaxMsgsPerSubject (a KV bucket's
	// history): a newer message on a subject replaces an older one.
	PerSubject int64 `json:"max_msgs_per_subject,omitempty"`
}

// Loss is a difference, found at start, between what a stream held when it
// was last written down and what it holds now that no limit of the stream
// (its maximum age) explains.
type Loss struct {
	Account string `json:"account"`
	Stream  string `json:"stream"`
	// Held and Found are the message counts and sequence ranges before and
	// now; Found is zero while Missing.
	Held  Holding `json:"held"`
	Found Holding `json:"found"`
	// Missing: the stream did not load at all (its metadata is unreadable
	// or gone). It stays missing until someone creates it again; Found is
	// then what the new stream holds (nats-server reuses the message
	// blocks it finds, so often everything).
	Missing bool `json:"missing"`
	// Lost is how many messages are gone, at least.
	Lost   uint64    `json:"lost"`
	Reason string    `json:"reason"`
	At     time.Time `json:"at"`
}

// Holding is a stream's message count and sequence range.
type Holding struct {
	Msgs     uint64 `json:"messages"`
	FirstSeq uint64 `json:"first_seq"`
	LastSeq  uint64 `json:"last_seq"`
}

func (h Holding) String() string {
	if h.Msgs == 0 {
		return "no messages"
	}
	return fmt.Sprintf("%d messages, seq %d-%d", h.Msgs, h.FirstSeq, h.LastSeq)
}

// Losses lists what the start-up comparison found, oldest first; nil when
// every stream holds at least what it held.
func (s *Server) Losses() []Loss {
	s.lmu.Lock()
	defer s.lmu.Unlock()
	return append([]Loss(nil), s.losses...)
}

func (s *Server) ledgerPath() string { return filepath.Join(s.cfg.DataDir, ledgerName) }

// streams lists what every stream of every account holds now.
func (s *Server) streams() (map[string]streamRecord, error) {
	info, err := s.ns.Jsz(&server.JSzOptions{Accounts: true, Streams: true, Config: true, Limit: 1 << 20})
	if err != nil {
		return nil, err
	}
	out := map[string]streamRecord{}
	for _, acc := range info.AccountDetails {
		for _, st := range acc.Streams {
			r := streamRecord{Account: acc.Name, Stream: st.Name, Msgs: st.State.Msgs, Bytes: st.State.Bytes,
				FirstSeq: st.State.FirstSeq, LastSeq: st.State.LastSeq,
				FirstTime: st.State.FirstTime, LastTime: st.State.LastTime}
			if st.Config != nil {
				r.MaxAge, r.PerSubject = st.Config.MaxAge, st.Config.MaxMsgsPer
			}
			out[acc.Name+"/"+st.Name] = r
		}
	}
	return out, nil
}

// audit compares the ledger left by the last run with what the streams
// hold now, before any client has written, and reports every loss at
// error level.
func (s *Server) audit() {
	prev, err := readLedger(s.ledgerPath())
	if err != nil {
		s.cfg.Logger.Error("natsembed: the record of what the streams held is unreadable; losses at rest cannot be told this start",
			"file", s.ledgerPath(), "err", err)
		_ = os.Rename(s.ledgerPath(), s.ledgerPath()+".unreadable")
		return
	}
	if prev == nil {
		return // a new store, or one from before the ledger
	}
	now, err := s.streams()
	if err != nil {
		s.cfg.Logger.Error("natsembed: listing streams for the start-up check", "err", err)
		return
	}
	s.held = prev.Streams
	at := time.Now().UTC()
	keys := make([]string, 0, len(prev.Streams))
	for k := range prev.Streams {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		rec := prev.Streams[k]
		cur, ok := now[k]
		var l *Loss
		if !ok {
			l = &Loss{Missing: true, Lost: rec.Msgs,
				Reason: fmt.Sprintf("stream did not load (its metadata is unreadable or gone); it held %s", holding(rec))}
		} else {
			l = compare(rec, cur, at)
		}
		if l == nil {
			continue
		}
		l.Account, l.Stream, l.Held, l.At = rec.Account, rec.Stream, holding(rec), at
		if ok {
			l.Found = holding(cur)
		}
		s.losses = append(s.losses, *l)
		s.cfg.Logger.Error("natsembed: JetStream data lost at rest", "account", l.Account, "stream", l.Stream,
			"lost_messages", l.Lost, "held", l.Held.String(), "found", l.Found.String(), "reason", l.Reason)
	}
}

// compare returns the loss between what rec held and cur holds, or nil.
// Messages the stream's max age lets expire while the server was down are
// not a loss.
func compare(rec, cur streamRecord, now time.Time) *Loss {
	if cur.LastSeq < rec.LastSeq {
		lost := rec.Msgs
		if cur.Msgs < rec.Msgs {
			lost = rec.Msgs - cur.Msgs
		}
		return &Loss{Lost: lost, Reason: fmt.Sprintf("sequence went back from %d to %d: the newest messages are gone", rec.LastSeq, cur.LastSeq)}
	}
	newer := cur.LastSeq - rec.LastSeq // at most this many of cur's messages came after the record
	kept := uint64(0)
	if cur.Msgs > newer {
		kept = cur.Msgs - newer
	}
	if rec.PerSubject > 0 && newer > 0 {
		// A KV bucket (or any stream keeping N messages per subject): a
		// message written since the record may have replaced a recorded
		// one on its subject (a lease renewed after a JetStream restart),
		// so a recorded message is missing only if the stream holds
		// fewer messages than before.
		kept = min(cur.Msgs, rec.Msgs)
	}
	allAlive := rec.MaxAge <= 0 || rec.FirstTime.IsZero() || rec.FirstTime.Add(rec.MaxAge).After(now)
	someAlive := rec.MaxAge <= 0 || rec.LastTime.Add(rec.MaxAge).After(now)
	switch {
	case allAlive && kept < rec.Msgs:
		return &Loss{Lost: rec.Msgs - kept, Reason: fmt.Sprintf("%d of %d messages are gone, none old enough to expire", rec.Msgs-kept, rec.Msgs)}
	case someAlive && rec.Msgs > 0 && cur.Msgs == 0:
		return &Loss{Lost: 1, Reason: fmt.Sprintf("every message is gone, though the newest (%s) is younger than the max age %s",
			rec.LastTime.UTC().Format(time.RFC3339), rec.MaxAge)}
	}
	return nil
}

func holding(r streamRecord) Holding {
	return Holding{Msgs: r.Msgs, FirstSeq: r.FirstSeq, LastSeq: r.LastSeq}
}

// followMissing watches the streams that did not load at start: once one is
// created again its loss says what the new stream holds.
func (s *Server) followMissing() {
	s.lmu.Lock()
	open := false
	for _, l := range s.losses {
		open = open || (l.Missing && l.Found == Holding{})
	}
	s.lmu.Unlock()
	if !open {
		return
	}
	now, err := s.streams()
	if err != nil {
		return
	}
	s.lmu.Lock()
	defer s.lmu.Unlock()
	for i := range s.losses {
		l := &s.losses[i]
		cur, ok := now[l.Account+"/"+l.Stream]
		if !l.Missing || l.Found != (Holding{}) || !ok {
			continue
		}
		l.Found = holding(cur)
		l.Lost = 0
		if cur.Msgs < l.Held.Msgs {
			l.Lost = l.Held.Msgs - cur.Msgs
		}
		l.Reason += fmt.Sprintf("; created again, it holds %s", l.Found)
		s.cfg.Logger.Error("natsembed: a stream that did not load at start was created again", "account", l.Account,
			"stream", l.Stream, "held", l.Held.String(), "found", l.Found.String(), "lost_messages", l.Lost)
	}
}

// record writes down what the streams hold now. A stream that did not
// load at start and was not created again keeps its old entry, so the next
// start reports it too.
func (s *Server) record() {
	if !s.ns.JetStreamEnabled() {
		return
	}
	now, err := s.streams()
	if err != nil {
		return
	}
	s.lmu.Lock()
	for k, rec := range s.held {
		if _, ok := now[k]; !ok && s.stillMissingLocked(k) {
			now[k] = rec
		}
	}
	s.lmu.Unlock()
	data, err := json.MarshalIndent(ledger{Version: ledgerVersion, Streams: now}, "", "  ")
	if err != nil {
		return
	}
	if bytes.Equal(data, s.written) {
		return
	}
	if err := writeAtomic(s.ledgerPath(), data); err != nil {
		if !s.ledgerFailing {
			s.cfg.Logger.Warn("natsembed: writing down what the streams hold", "file", s.ledgerPath(), "err", err)
			s.ledgerFailing = true
		}
		return
	}
	s.written, s.ledgerFailing = data, false
}

func (s *Server) stillMissingLocked(key string) bool {
	for _, l := range s.losses {
		if l.Account+"/"+l.Stream == key && l.Missing && l.Found == (Holding{}) {
			return true
		}
	}
	return false
}

func readLedger(path string) (*ledger, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var l ledger
	if err := json.Unmarshal(data, &l); err != nil {
		return nil, err
	}
	if l.Version != ledgerVersion {
		return nil, fmt.Errorf("version %d, want %d", l.Version, ledgerVersion)
	}
	return &l, nil
}

// writeAtomic replaces path with data (temp file, fsync, rename): a crash
// or a full disk leaves the old file or the new one, never half of one.
func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
