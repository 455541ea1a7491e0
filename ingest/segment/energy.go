package segment

import (
	"math"
	"time"

	"github.com/earshot/earshot/ingest"
)

const (
	frameLen  = ingest.SampleRate / 100 // 10 ms
	frameDur  = 10 * time.Millisecond
	blockLen  = 25 // frames per noise-floor block (250 ms)
	silenceDB = -100.0
)

// Energy is the built-in energy-based Segmenter.
type Energy struct {
	cfg   Config
	floor floorTracker

	frame      []int16       // partial frame
	frameStart time.Duration // stream time of frame[0]

	speech     bool
	run        int           // consecutive frames above onset (not in speech)
	runStart   time.Duration // start of that run
	uttStart   time.Duration
	lastVoiced time.Duration // end of the last frame above offset
	minStart   time.Duration // starts may not precede this (last end, last gap)
	events     []Event
}

var _ Segmenter = (*Energy)(nil)

// NewEnergy returns an energy-based Segmenter; zero Config fields take
// their defaults.
func NewEnergy(cfg Config) (*Energy, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	blocks := int(cfg.FloorWindow/(blockLen*frameDur)) + 1
	return &Energy{cfg: cfg, floor: newFloorTracker(blocks), frame: make([]int16, 0, frameLen)}, nil
}

// Push implements Segmenter.
func (e *Energy) Push(c ingest.Chunk) []Event {
	e.events = e.events[:0]
	pcm := e.align(c)
	for len(pcm) > 0 {
		n := min(frameLen-len(e.frame), len(pcm))
		e.frame = append(e.frame, pcm[:n]...)
		pcm = pcm[n:]
		if len(e.frame) == frameLen {
			e.step(e.frameStart, level(e.frame))
			e.frame = e.frame[:0]
			e.frameStart += frameDur
		}
	}
	return e.result()
}

// Flush implements Segmenter.
func (e *Energy) Flush() []Event {
	e.events = e.events[:0]
	if e.speech {
		end := e.frameStart + time.Duration(len(e.frame))*time.Second/ingest.SampleRate
		e.end(min(e.lastVoiced+e.cfg.Hangover, end), EndOfStream)
	}
	out := e.result()
	*e = Energy{cfg: e.cfg, floor: newFloorTracker(len(e.floor.blocks)), frame: e.frame[:0]}
	return out
}

// result copies the events out, so callers may keep them.
func (e *Energy) result() []Event {
	if len(e.events) == 0 {
		return nil
	}
	return append([]Event(nil), e.events...)
}

// align handles discontinuities: overlap is dropped, a gap is silence.
func (e *Energy) align(c ingest.Chunk) []int16 {
	next := e.frameStart + time.Duration(len(e.frame))*time.Second/ingest.SampleRate
	switch {
	case c.Offset < next:
		skip := int((next - c.Offset) * ingest.SampleRate / time.Second)
		return c.PCM[min(skip, len(c.PCM)):]
	case c.Offset > next:
		e.frame = e.frame[:0]
		e.frameStart = c.Offset
		e.run = 0
		if e.speech && c.Offset-e.lastVoiced >= e.cfg.Pause {
			e.end(e.lastVoiced+e.cfg.Hangover, Pause)
		}
		e.minStart = max(e.minStart, c.Offset) // no pre-roll into lost audio
	}
	return c.PCM
}

// step advances the state machine by one frame starting at t.
func (e *Energy) step(t time.Duration, db float64) {
	floor := e.floor.push(db)
	onset := max(floor+e.cfg.OnsetDB, e.cfg.MinLevelDB)
	offset := max(floor+e.cfg.OffsetDB, e.cfg.MinLevelDB-(e.cfg.OnsetDB-e.cfg.OffsetDB))
	end := t + frameDur
	if !e.speech {
		e.listen(t, db > onset)
		return
	}
	if db > offset {
		e.lastVoiced = end
	}
	switch {
	case end-e.lastVoiced >= e.cfg.Pause:
		e.end(e.lastVoiced+e.cfg.Hangover, Pause)
	case end-e.uttStart >= e.cfg.MaxUtterance:
		e.end(end, MaxLength)
		if e.lastVoiced == end {
			e.start(end, Continued)
		}
	}
}

// listen looks for an onset while not in speech.
func (e *Energy) listen(t time.Duration, loud bool) {
	if !loud {
		e.run = 0
		return
	}
	if e.run == 0 {
		e.runStart = t
	}
	e.run++
	if time.Duration(e.run)*frameDur >= e.cfg.MinSpeech {
		e.run = 0
		e.lastVoiced = t + frameDur
		e.start(max(e.runStart-e.cfg.PreRoll, e.minStart), Onset)
	}
}

func (e *Energy) start(at time.Duration, cause Cause) {
	e.speech = true
	e.uttStart = at
	e.events = append(e.events, Event{Kind: SpeechStart, At: at, Cause: cause})
}

func (e *Energy) end(at time.Duration, cause Cause) {
	e.speech = false
	e.minStart = at
	e.events = append(e.events, Event{Kind: SpeechEnd, At: at, Cause: cause})
}

// level is a frame's RMS level in dBFS.
func level(frame []int16) float64 {
	var sum float64
	for _, v := range frame {
		f := float64(v)
		sum += f * f
	}
	if sum == 0 {
		return silenceDB
	}
	return max(10*math.Log10(sum/float64(len(frame))/(32768*32768)), silenceDB)
}

// floorTracker estimates the noise floor as the quietest frame of the last
// few seconds (minimum statistics), kept as one minimum per block.
type floorTracker struct {
	blocks []float64 // minima of finished blocks, a ring
	next   int
	filled int
	cur    float64 // minimum of the current block
	n      int     // frames in the current block
}

func newFloorTracker(blocks int) floorTracker {
	return floorTracker{blocks: make([]float64, blocks)}
}

// push adds a frame level and returns the floor before it.
func (f *floorTracker) push(db float64) float64 {
	floor := f.floor()
	if f.n == 0 || db < f.cur {
		f.cur = db
	}
	f.n++
	if f.n == blockLen {
		f.blocks[f.next] = f.cur
		f.next = (f.next + 1) % len(f.blocks)
		f.filled = min(f.filled+1, len(f.blocks))
		f.n = 0
	}
	return floor
}

func (f *floorTracker) floor() float64 {
	m := math.Inf(1)
	if f.n > 0 {
		m = f.cur
	}
	for _, v := range f.blocks[:f.filled] {
		m = min(m, v)
	}
	if math.IsInf(m, 1) {
		return silenceDB
	}
	return m
}
