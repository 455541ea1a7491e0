package rooms

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/ring"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript"
)

var (
	// ErrBusy is returned when a room already has a live audio session.
	ErrBusy = errors.New("room already has a live audio session")
	// ErrClosed is returned once the registry is shutting down.
	ErrClosed = errors.New("registry is shutting down")
	// ErrExists is returned when registering a room id that is registered.
	ErrExists = errors.New("room already registered")
	// ErrNotFound is returned for a room the registry does not know.
	ErrNotFound = errors.New("no such room")
)

// entry is one room. All fields are guarded by Registry.mu.
type entry struct {
	spec       *Spec // nil: an unregistered room (uploads, ad-hoc WHIP)
	state      State
	reason     string
	started    time.Time
	ended      time.Time
	lastErr    string
	attempt    int
	reconnects uint64
	sessions   uint64
	session    *pipeline.Session
	running    bool
	cancel     context.CancelFunc // stops the room's worker
	done       chan struct{}      // closed when that worker returned
	past       Totals             // finished sessions
	// replaceable is set while the running session is a publisher's
	// (ReplaceAudio), which a newer publisher may take over; next is that
	// newer publisher, waiting for the running session to finish.
	replaceable bool
	next        *pending
	// merchant is an automatic room's tenant (caps.go); active is when
	// traffic last came (uploads, utterances, publishers).
	merchant string
	active   time.Time
	// text is the room's text feed (utterances posted by a platform's
	// own ASR): a session that lasts as long as the entry.
	text     *pipeline.Session
	textFeed pipeline.Feed
	textSeq  uint64 // last utterance number handed out in text
}

// Registry runs and tracks rooms. It is safe for concurrent use.
type Registry struct {
	ctx    context.Context
	cancel context.CancelFunc
	tmpl   pipeline.Config
	opts   Options
	log    *slog.Logger
	now    func() time.Time
	ev     *evidence // nil without Options.EvidenceDir
	// text carries every room's text feed to the scanner: the same bus as
	// audio, without evidence (text has no audio). Nil when tmpl has no bus
	// and no matcher or sink.
	text pipeline.Bus

	aside  []SetAside // room lists moved aside at Open (store.go)
	saveMu sync.Mutex // serializes writes of the room list; taken before mu
	mu     sync.Mutex
	rooms  map[string]*entry
	tally  tally // counters behind Summary (summary.go)
	closed bool
	wg     sync.WaitGroup
}

// New makes an in-memory registry whose pipelines use tmpl and live until
// ctx ends, with no pulled sources and no evidence.
func New(ctx context.Context, tmpl pipeline.Config, log *slog.Logger) *Registry {
	return newRegistry(ctx, tmpl, Options{Logger: log})
}

// Open makes a registry with opts and starts every room stored at
// opts.StorePath.
func Open(ctx context.Context, tmpl pipeline.Config, opts Options) (*Registry, error) {
	r := newRegistry(ctx, tmpl, opts)
	if r.opts.StorePath == "" {
		return r, nil
	}
	specs, err := loadSpecs(r.opts.StorePath, r.opts.Schemes)
	if errors.Is(err, errUnreadableList) {
		var aside SetAside
		if aside, err = setAside(r.opts.StorePath, err, r.now()); err == nil {
			r.aside = append(r.aside, aside)
			r.log.Error("rooms: the stored room list is unreadable; moved it aside and started without registered rooms",
				"moved_to", aside.Path, "reason", aside.Reason)
		}
	}
	if err != nil {
		r.Close()
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range specs {
		e := &entry{spec: &s, state: StateStarting, started: r.now()}
		r.rooms[s.ID] = e
		r.startLocked(e)
	}
	if len(specs) > 0 {
		r.log.Info("rooms restored", "count", len(specs), "from", r.opts.StorePath)
	}
	return r, nil
}

func newRegistry(ctx context.Context, tmpl pipeline.Config, opts Options) *Registry {
	opts = opts.withDefaults()
	ctx, cancel := context.WithCancel(ctx)
	r := &Registry{ctx: ctx, cancel: cancel, tmpl: tmpl, opts: opts, log: opts.Logger, now: time.Now, rooms: map[string]*entry{}}
	if opts.EvidenceDir != "" {
		r.ev = newEvidence(opts)
	}
	r.text = tmpl.Bus
	if r.text == nil {
		sc, err := pipeline.NewScanner(pipeline.ScanConfig{ // nil without matcher or sink: Utterances says so
			Matcher: tmpl.Matcher, Sink: tmpl.Sink, OnHypothesis: tmpl.OnHypothesis, Logger: tmpl.Logger,
		})
		if err == nil {
			r.text = pipeline.Local(sc, nil)
		}
	}
	return r
}

// checkSourceTimeout bounds Options.CheckSource (a DNS lookup).
const checkSourceTimeout = 5 * time.Second

// Add registers a room and starts it: a pulled room starts its supervised
// puller, a WHIP room waits for publishers. The room list is saved before
// Add returns.
func (r *Registry) Add(spec Spec) (Status, error) {
	if err := spec.Validate(r.opts.Schemes); err != nil {
		return Status{}, err
	}
	if spec.Pulled() && r.opts.OpenSource == nil {
		return Status{}, fieldErr("source", "this server cannot pull sources; use \"whip\"")
	}
	if spec.Pulled() && r.opts.CheckSource != nil {
		ctx, cancel := context.WithTimeout(r.ctx, checkSourceTimeout)
		err := r.opts.CheckSource(ctx, spec.Source)
		cancel()
		if err != nil {
			return Status{}, fieldErr("source", "%v", err)
		}
	}
	if err := r.checkRecognizer(spec.Recognizer); err != nil {
		return Status{}, err
	}
	r.saveMu.Lock()
	defer r.saveMu.Unlock()
	r.mu.Lock()
	if r.closed {
		r.mu.Unlock()
		return Status{}, ErrClosed
	}
	if old, ok := r.rooms[spec.ID]; ok && (old.spec != nil || old.running) {
		r.mu.Unlock()
		if old.spec != nil {
			return Status{}, fmt.Errorf("rooms: %s: %w", spec.ID, ErrExists)
		}
		return Status{}, fmt.Errorf("rooms: %s: %w", spec.ID, ErrBusy)
	}
	if err := r.admitRegisteredLocked(spec); err != nil {
		r.mu.Unlock()
		return Status{}, err
	}
	e := &entry{spec: &spec, state: StateStarting, started: r.now()}
	r.rooms[spec.ID] = e
	specs := r.specsLocked()
	r.mu.Unlock()
	if err := r.save(specs); err != nil {
		r.mu.Lock()
		delete(r.rooms, spec.ID)
		r.mu.Unlock()
		return Status{}, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rooms[spec.ID] == e && !r.closed {
		r.startLocked(e)
	}
	return r.statusLocked(spec.ID, e), nil
}

// startLocked begins a registered room's worker.
func (r *Registry) startLocked(e *entry) {
	if !e.spec.Pulled() {
		e.state, e.reason = StateWaiting, reasonWaiting
		return
	}
	ctx, cancel := context.WithCancel(r.ctx)
	e.cancel, e.done = cancel, make(chan struct{})
	done := e.done
	r.wg.Go(func() {
		defer close(done)
		defer cancel()
		r.supervise(ctx, e)
	})
}

// Remove forgets a room: it stops its worker or live session and waits
// (until ctx ends) for it to finalize and flush its alerts.
func (r *Registry) Remove(ctx context.Context, id string) error {
	r.saveMu.Lock()
	r.mu.Lock()
	e, ok := r.rooms[id]
	if !ok {
		r.mu.Unlock()
		r.saveMu.Unlock()
		return fmt.Errorf("rooms: %q: %w", id, ErrNotFound)
	}
	delete(r.rooms, id)
	r.tally.forgetLocked(e)
	if n := e.next; n != nil {
		e.next = nil
		go n.abandon(fmt.Errorf("rooms: %s: %w", id, ErrNotFound))
	}
	if e.text != nil {
		feed := e.textFeed
		go func() { _ = feed.Close(context.WithoutCancel(ctx)) }() // ends the feed's session on the bus
	}
	cancel, done, registered := e.cancel, e.done, e.spec != nil
	specs := r.specsLocked()
	r.mu.Unlock()
	var err error
	if registered {
		err = r.save(specs)
	}
	r.saveMu.Unlock()
	if cancel != nil {
		cancel()
		select {
		case <-done:
		case <-ctx.Done():
			return fmt.Errorf("rooms: %s: still flushing: %w", id, ctx.Err())
		}
	}
	return err
}

// Specs returns the registered rooms' specs (rooms registered with
// POST /v1/rooms, not the automatic rooms of posted text or uploads),
// sorted by id.
func (r *Registry) Specs() []Spec {
	r.mu.Lock()
	defer r.mu.Unlock()
	return sortSpecs(r.specsLocked())
}

func (r *Registry) specsLocked() []Spec {
	var out []Spec
	for _, e := range r.rooms {
		if e.spec != nil {
			out = append(out, *e.spec)
		}
	}
	return out
}

func (r *Registry) save(specs []Spec) error {
	if r.opts.StorePath == "" {
		return nil
	}
	return saveSpecs(r.opts.StorePath, sortSpecs(specs))
}

func mergeRoom(got, registered pipeline.Room) pipeline.Room {
	if got.Anchor == "" {
		got.Anchor = registered.Anchor
	}
	if got.Merchant == "" {
		got.Merchant = registered.Merchant
	}
	return got
}

// runSession runs one session's pipeline, with the session's evidence ring
// when evidence is on.
func (r *Registry) runSession(ctx context.Context, s *pipeline.Session) error {
	cfg := r.tmpl
	if name := r.recognizerOf(s.Room.ID); name != "" {
		rec, err := r.opts.RecognizerFor(name)
		if err != nil {
			return fmt.Errorf("rooms: recognizer %q: %w", name, err)
		}
		cfg.Recognizer = rec
	}
	if r.ev != nil {
		buf, err := ring.New(r.opts.EvidenceWindow)
		if err != nil {
			return fmt.Errorf("rooms: evidence buffer: %w", err)
		}
		audio := &sessionAudio{buf: buf, done: make(chan struct{})}
		defer close(audio.done)
		next := cfg.OnAudio
		cfg.OnAudio = func(c ingest.Chunk) {
			audio.write(c)
			if next != nil {
				next(c)
			}
		}
		cfg.ClipURL = ClipPath
		cfg.OnAlerts = r.ev.queueClips(audio)
	}
	return pipeline.Run(ctx, s, cfg)
}

func (r *Registry) entryLocked(id string) *entry {
	e, ok := r.rooms[id]
	if !ok {
		e = &entry{state: StateIdle, started: r.now()}
		r.rooms[id] = e
	}
	return e
}

// Utterances runs text from an outside recognizer down the same path as
// recognized speech (the bus to pipeline.Scanner): matched, stored as
// transcript, counted in the room's status and alerted. It returns the
// alerts once the sink accepted them; it stops at the first utterance whose
// alert the sink refused, and when ctx ends before the scanner answered.
func (r *Registry) Utterances(ctx context.Context, room pipeline.Room, hs []transcript.Hypothesis) ([]alerter.Alert, error) {
	if err := alerter.ValidRoomID(room.ID); err != nil {
		return nil, err
	}
	if r.text == nil {
		return nil, errors.New("rooms: this registry has no matcher and sink for text")
	}
	ses, feed, base, err := r.textSession(room, len(hs))
	if err != nil {
		return nil, err
	}
	hs = slices.Clone(hs)
	for i := range hs {
		hs[i].Utterance = base + uint64(i)
		ses.Stats.Hypotheses.Add(1)
		if hs[i].Final {
			ses.Stats.Utterances.Add(1)
		}
	}
	out, err := feed.Scan(ctx, hs)
	ses.Stats.Alerts.Add(uint64(len(out)))
	if err != nil {
		return out, fmt.Errorf("rooms: %s: %w", room.ID, err)
	}
	return out, nil
}

// textSession reserves n utterance numbers in room's text feed, starting
// the feed on first use.
func (r *Registry) textSession(room pipeline.Room, n int) (*pipeline.Session, pipeline.Feed, uint64, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, nil, 0, ErrClosed
	}
	e, err := r.admitLocked(room)
	if err != nil {
		return nil, nil, 0, err
	}
	if e.spec != nil {
		room = mergeRoom(room, e.spec.Room())
	}
	if e.text != nil {
		room = mergeRoom(room, e.text.Room)
	}
	if e.text != nil && room != e.text.Room {
		// The platform names another anchor or merchant for this unregistered
		// room (?anchor=, ?merchant=): a new text session carries them, as a
		// new audio upload would. Without them, the feed keeps its own.
		old := e.textFeed
		go func() { _ = old.Close(r.ctx) }() // ends the feed's session on the bus
		e.text, e.textFeed = nil, nil
	}
	if e.text == nil {
		ses := &pipeline.Session{Room: room, ID: "text-" + alerter.NewID(r.now())}
		feed, err := r.text.Open(room, ses.ID, pipeline.FeedOptions{})
		if err != nil {
			return nil, nil, 0, fmt.Errorf("rooms: %s: text feed: %w", room.ID, err)
		}
		e.text, e.textFeed = ses, feed
	}
	base := e.textSeq + 1
	e.textSeq += uint64(n)
	return e.text, e.textFeed, base, nil
}

// Evidence reports what the evidence writer did (zero without evidence).
func (r *Registry) Evidence() EvidenceStats {
	if r.ev == nil {
		return EvidenceStats{}
	}
	return r.ev.stats()
}

// EvidenceDir is where clips are stored ("" when evidence is off).
func (r *Registry) EvidenceDir() string { return r.opts.EvidenceDir }

// Wait blocks new sessions and waits until every running one has drained
// (the registry's context must be cancelled for live sources to stop), then
// writes every pending evidence clip.
func (r *Registry) Wait() {
	r.mu.Lock()
	r.closed = true
	var feeds []pipeline.Feed
	for _, e := range r.rooms {
		if e.textFeed != nil {
			feeds = append(feeds, e.textFeed)
		}
	}
	r.mu.Unlock()
	r.wg.Wait()
	var closing sync.WaitGroup
	for _, f := range feeds { // nothing is waiting on them: Utterances waits for its own answers
		closing.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			_ = f.Close(ctx)
		})
	}
	closing.Wait()
	if r.ev != nil {
		r.ev.close()
	}
}

// Close stops every room, lets each finalize and flush its alerts and clips,
// and returns when all have.
func (r *Registry) Close() {
	r.mu.Lock()
	r.closed = true
	r.mu.Unlock()
	r.cancel()
	r.Wait()
}

// Schemes are the URL schemes a pulled source may use.
func (r *Registry) Schemes() []string { return r.opts.Schemes }

// checkRecognizer tells a client whether the engine a room asks for exists
// here.
func (r *Registry) checkRecognizer(name string) error {
	if name == "" {
		return nil
	}
	if r.opts.RecognizerFor == nil {
		return fieldErr("recognizer", "this server runs one recognizer for every room")
	}
	if _, err := r.opts.RecognizerFor(name); err != nil {
		return fieldErr("recognizer", "%v", err)
	}
	return nil
}

// recognizerOf is the engine a registered room asked for, or "".
func (r *Registry) recognizerOf(id string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e, ok := r.rooms[id]; ok && e.spec != nil && r.opts.RecognizerFor != nil {
		return e.spec.Recognizer
	}
	return ""
}

// Pulled reports whether id is a registered room fed by a pulled source.
func (r *Registry) Pulled(id string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	e, ok := r.rooms[id]
	return ok && e.spec != nil && e.spec.Pulled()
}
