package rooms

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/ring"
)

// ClipPath is the URL path at which the API serves an alert's evidence clip.
// It goes into Alert.ClipURL before the alert is stored, so it must never
// change for an alert id.
func ClipPath(alertID string) string { return "/v1/alerts/" + alertID + "/clip" }

var alertIDPattern = regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{26}$`)

// ValidAlertID reports whether id looks like an alerter.NewID id, so it can
// name a file without any path trickery.
func ValidAlertID(id string) bool { return alertIDPattern.MatchString(id) }

// EvidenceFile is where the clip of alert id is (or will be) stored under
// dir; ok is false for an id that is not an alert id.
func EvidenceFile(dir, id string) (path string, ok bool) {
	if !ValidAlertID(id) {
		return "", false
	}
	return filepath.Join(dir, id+".wav"), true
}

// EvidenceStats counts what the evidence writer did.
type EvidenceStats struct {
	Saved   uint64 `json:"saved"`
	Dropped uint64 `json:"dropped"` // queue full: alert kept, clip lost
	Failed  uint64 `json:"failed"`  // audio gone or disk error
}

// sessionAudio is one session's recent audio, written on the recognizer's
// goroutine (OnAudio) and read by the evidence worker.
type sessionAudio struct {
	buf  *ring.Buffer
	done chan struct{} // closed when the session ends: no more audio
}

func (sa *sessionAudio) write(c ingest.Chunk) {
	// A chunk going backwards cannot happen within one session; if it did,
	// losing it from the evidence is the right outcome.
	_ = sa.buf.Write(c)
}

type clipJob struct {
	id       string
	audio    *sessionAudio
	from, to time.Duration
	deadline time.Time // wall clock: save with what exists by then
}

// evidence saves clips around alerts. One worker goroutine does the disk
// work; senders only enqueue, never wait.
type evidence struct {
	dir            string
	before, after  time.Duration
	wait           time.Duration
	log            *slog.Logger
	jobs           chan clipJob
	quit           chan struct{}
	done           chan struct{}
	once           sync.Once
	saved, dropped atomic.Uint64
	failed         atomic.Uint64
}

func newEvidence(o Options) *evidence {
	e := &evidence{
		dir: o.EvidenceDir, before: o.ClipBefore, after: o.ClipAfter, wait: o.ClipWait, log: o.Logger,
		jobs: make(chan clipJob, o.EvidenceQueue), quit: make(chan struct{}), done: make(chan struct{}),
	}
	go e.run()
	return e
}

func (e *evidence) stats() EvidenceStats {
	return EvidenceStats{Saved: e.saved.Load(), Dropped: e.dropped.Load(), Failed: e.failed.Load()}
}

// enqueue asks for the clip of a stored alert; it never blocks.
func (e *evidence) enqueue(a alerter.Alert, audio *sessionAudio) {
	from := max(time.Duration(a.StartMs)*time.Millisecond-e.before, 0)
	to := time.Duration(a.EndMs)*time.Millisecond + e.after
	j := clipJob{id: a.ID, audio: audio, from: from, to: to, deadline: time.Now().Add(e.wait)}
	select {
	case e.jobs <- j:
	default:
		e.dropped.Add(1)
		e.log.Warn("evidence queue full: clip dropped", "alert", a.ID, "room", a.Room)
	}
}

// close stops taking jobs and saves every pending clip with the audio that
// exists; it returns when all are written.
func (e *evidence) close() {
	e.once.Do(func() { close(e.quit) })
	<-e.done
}

func (e *evidence) run() {
	defer close(e.done)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	var pending []clipJob
	for {
		select {
		case j := <-e.jobs:
			pending = append(pending, j)
		case <-tick.C:
		case <-e.quit:
			for drained := false; !drained; {
				select {
				case j := <-e.jobs:
					pending = append(pending, j)
				default:
					drained = true
				}
			}
			for _, j := range pending {
				e.save(j)
			}
			return
		}
		pending = e.saveReady(pending)
	}
}

// saveReady saves the clips whose after-audio has arrived (or never will)
// and returns the rest.
func (e *evidence) saveReady(pending []clipJob) []clipJob {
	now, rest := time.Now(), pending[:0]
	for _, j := range pending {
		_, end := j.audio.buf.Span()
		if end >= j.to || now.After(j.deadline) || isClosed(j.audio.done) {
			e.save(j)
			continue
		}
		rest = append(rest, j)
	}
	clear(pending[len(rest):])
	return rest
}

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

func (e *evidence) save(j clipJob) {
	if err := e.write(j); err != nil {
		e.failed.Add(1)
		e.log.Warn("evidence clip not saved", "alert", j.id, "err", err)
		return
	}
	e.saved.Add(1)
}

// write stores the part of [from, to) still buffered.
func (e *evidence) write(j clipJob) error {
	path, ok := EvidenceFile(e.dir, j.id)
	if !ok {
		return fmt.Errorf("alert id %q is not a valid file name", j.id)
	}
	have0, have1 := j.audio.buf.Span()
	from, to := max(j.from, have0), min(j.to, have1)
	if to <= from {
		return fmt.Errorf("no audio of %v..%v left (buffer holds %v..%v)", j.from, j.to, have0, have1)
	}
	pcm, err := j.audio.buf.Clip(from, to)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(e.dir, 0o700); err != nil {
		return fmt.Errorf("evidence dir: %w", err)
	}
	return ring.SaveWAV(path, pcm)
}

// queueClips queues the clip of each alert the scanner accepted for a
// session that keeps audio; the alerts already carry their ClipURL
// (pipeline.Config.ClipURL).
func (e *evidence) queueClips(audio *sessionAudio) func([]alerter.Alert) {
	return func(as []alerter.Alert) {
		for _, a := range as {
			e.enqueue(a, audio)
		}
	}
}
