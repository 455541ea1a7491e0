package rooms

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/earshot/earshot/ingest/segment"
	"github.com/earshot/earshot/internal/testdouble"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/internal/tts"
	"github.com/earshot/earshot/pipeline"
	"github.com/earshot/earshot/transcript/sphinx"
)

// sampleBroadcast is the demos' sample broadcast (scripts/sample-lines.sh):
// clean talk and violations, a second of silence after each line.
var sampleBroadcast = []string{
	"Hello everyone and welcome back to the live room.",
	"Today I am showing you a lovely winter face cream.",
	"This cream cures diabetes and lowers your blood pressure.",
	"It comes in three sizes and the texture is very light.",
	"It is the best cream in the world.",
	"For a better price send the money to my personal bank account.",
	"This is the lowest price ever.",
	"Thank you all for watching and see you tomorrow.",
}

// BenchmarkSphinxRooms finds how many live rooms PocketSphinx keeps up with
// on the cores this process gets: N rooms, each fed the sample broadcast
// (flite speech, looped, each room at its own phase) at real time in 20 ms
// chunks, through the whole room machinery of an ingest node (queue,
// energy segmenter, one decoder per room, scanner with the default lexicon;
// the local bus stands in for NATS, whose ~15 µs per hypothesis is small
// beside ASR). A step of N rooms keeps up when, over its window, no audio
// was shed, no room's queue grew by more than a second, and every room's
// recognizer spent less wall time than the audio lasted (real-time factor
// < 1). N doubles from 1 until a step fails, then bisects, within a time
// budget. One op is the whole search (run it with -benchtime 1x). Reported,
// at the largest N that kept up:
//
//	max-rooms      that N (0: not even one room kept up)
//	cores          CPU the process used at max-rooms (cores)
//	cpu-%/room     CPU per live room, percent of one core
//	rooms/core     100 / cpu-%/room: rooms one core of this machine carries
//	rss-MB/room    resident memory per room (its decoder, mostly)
//	rtf            mean wall time in the recognizer per second of audio
//	rtf-max        the slowest room's
//	first-fail     the smallest N that did not keep up (0: none tried)
//
// EARSHOT_SPHINX_BUDGET (default 3m) bounds the search, EARSHOT_SPHINX_WINDOW
// (default 20s) each step's measured window; EARSHOT_SPHINX_ROOMS=a,b,...
// measures just those N instead of searching.
func BenchmarkSphinxRooms(b *testing.B) {
	if !sphinx.Available {
		b.Skip(sphinx.ErrUnavailable)
	}
	budget := envDuration(b, "EARSHOT_SPHINX_BUDGET", 3*time.Minute)
	window := envDuration(b, "EARSHOT_SPHINX_WINDOW", 20*time.Second)
	fixed := envInts(b, "EARSHOT_SPHINX_ROOMS")
	pcm := broadcastPCM(b)
	b.Logf("sample broadcast: %v of audio, looped", tts.Duration(len(pcm)).Round(100*time.Millisecond))
	rec, err := sphinx.New(sphinx.Config{MaxIdle: 256, Logger: testutil.Quiet()})
	if errors.Is(err, sphinx.ErrModelMissing) {
		testutil.Need(b, err)
	}
	if err != nil {
		b.Fatal(err)
	}
	defer rec.Close()
	pool := &decoderPool{rec: rec}
	matcher := defaultMatcher(b)
	for b.Loop() {
		var best, fail stepResult
		try := func(n int) bool {
			res := runSphinxStep(b, pool, matcher, pcm, n, window)
			b.Logf("%s", res)
			if res.ok && res.rooms > best.rooms {
				best = res
			}
			if !res.ok && (fail.rooms == 0 || n < fail.rooms) {
				fail = res
			}
			return res.ok
		}
		deadline := time.Now().Add(budget)
		// A step costs its window plus warm-up; stop before one would
		// overrun the budget.
		affordable := func() bool { return time.Until(deadline) > window+10*time.Second }
		if len(fixed) > 0 {
			for _, n := range fixed {
				try(n)
			}
		} else {
			n := 1
			for affordable() && try(n) {
				n *= 2
			}
			for lo, hi := best.rooms, fail.rooms; hi > lo+1 && affordable(); lo, hi = best.rooms, fail.rooms {
				try((lo + hi) / 2)
			}
		}
		b.ReportMetric(float64(best.rooms), "max-rooms")
		b.ReportMetric(float64(fail.rooms), "first-fail")
		b.ReportMetric(best.cores, "cores")
		b.ReportMetric(best.cpuPerRoom*100, "cpu-%/room")
		if best.cpuPerRoom > 0 {
			b.ReportMetric(1/best.cpuPerRoom, "rooms/core")
		}
		b.ReportMetric(pool.rssPerDecoder, "rss-MB/room")
		b.ReportMetric(best.heapPerRm/1024, "heap-KB/room")
		b.ReportMetric(best.rtf, "rtf")
		b.ReportMetric(best.rtfMax, "rtf-max")
	}
}

// stepResult is one step of the search: n rooms over one window.
type stepResult struct {
	rooms      int
	ok         bool
	why        string
	cores      float64 // process CPU over the window / wall
	cpuPerRoom float64 // cores per room
	rtf        float64 // mean over rooms of recognizer wall time / audio time
	rtfMax     float64
	dropped    uint64        // chunks shed over the window, all rooms
	growth     time.Duration // largest growth of a room's queue over the window
	heapPerRm  float64       // bytes of Go heap per room
}

func (r stepResult) String() string {
	verdict := "keeps up"
	if !r.ok {
		verdict = "falls behind: " + r.why
	}
	return fmt.Sprintf("rooms=%d: %s; cores %.2f, cpu %.1f%%/room, rtf %.2f (max %.2f), shed %d chunks, queue growth max %v, heap %.0f KB/room",
		r.rooms, verdict, r.cores, r.cpuPerRoom*100, r.rtf, r.rtfMax, r.dropped, r.growth.Round(10*time.Millisecond), r.heapPerRm/1024)
}

// runSphinxStep runs n live rooms and measures them over window once every
// room has heard two seconds and its queue has drained.
func runSphinxStep(b *testing.B, pool *decoderPool, matcher pipeline.MatcherFunc, pcm []int16, n int, window time.Duration) stepResult {
	pool.ensure(b, n) // decoders loaded before the audio starts: a room's first second is not spent loading models
	timed := &timedRecognizer{Recognizer: pool.rec}
	_, heap0 := measureHeap()
	r, err := Open(context.Background(), pipeline.Config{Recognizer: timed, Matcher: matcher, Sink: &testdouble.Sink{},
		NewSegmenter: energySegmenter, Logger: testutil.Quiet()}, Options{Logger: testutil.Quiet()})
	if err != nil {
		b.Fatal(err)
	}
	defer func() {
		r.Close()
		r.Wait()
	}()
	loop := len(pcm)
	for i := range n {
		src := &pacedPCM{pcm: pcm, at: i * loop / n / 320 * 320}
		if _, err := r.StartAudio(pipeline.Room{ID: fmt.Sprintf("asr%03d", i)}, src, false); err != nil {
			b.Fatal(err)
		}
	}
	res := stepResult{rooms: n}
	warm := time.Now().Add(30 * time.Second)
	for {
		st := r.Rooms()
		ready := len(st) == n
		for _, s := range st {
			ready = ready && s.HeardMs >= 2000 && backlog(s) < time.Second
		}
		if ready {
			break
		}
		if time.Now().After(warm) {
			res.why = "queues still over a second 30 s after the start"
			return res
		}
		time.Sleep(100 * time.Millisecond) // polling the rooms' status, not waiting for a result
	}
	_, heap1 := measureHeap()
	res.heapPerRm = float64(int64(heap1)-int64(heap0)) / float64(n)
	// Over the window, each room's queue is read every 250 ms: a room
	// keeps up when its queue at the end (median of the last quarter's
	// readings) is not over a second longer than at the start (the first
	// quarter's); a final's n-best search makes it bounce meanwhile.
	before := r.Rooms()
	busy0 := timed.busy()
	cpu0, wall0 := cpuTime(), time.Now()
	var queues [][]time.Duration // per reading, per room
	for time.Since(wall0) < window {
		time.Sleep(250 * time.Millisecond) // pacing the readings: the unit measured is a window of n live rooms
		var q []time.Duration
		for _, s := range r.Rooms() {
			q = append(q, backlog(s))
		}
		queues = append(queues, q)
	}
	cpu, wall := cpuTime()-cpu0, time.Since(wall0)
	after := r.Rooms()
	busy := timed.busy()
	res.cores = cpu.Seconds() / wall.Seconds()
	res.cpuPerRoom = res.cores / float64(n)
	for i := range after {
		res.dropped += after[i].Dropped - before[i].Dropped
	}
	res.growth = queueGrowth(queues)
	if len(busy) != n || len(busy0) != n {
		res.why = fmt.Sprintf("%d recognizer streams for %d rooms", len(busy), n)
		return res
	}
	for i := range busy {
		rtf := (busy[i] - busy0[i]).Seconds() / wall.Seconds()
		res.rtf += rtf / float64(n)
		res.rtfMax = max(res.rtfMax, rtf)
	}
	switch {
	case res.dropped > 0:
		res.why = "audio shed"
	case res.growth > time.Second:
		res.why = "a queue grew"
	case res.rtfMax >= 1:
		res.why = "a recognizer slower than real time"
	default:
		res.ok = true
	}
	return res
}

// queueGrowth is the largest growth of one room's queue between the first
// and the last quarter of the readings (medians of each).
func queueGrowth(readings [][]time.Duration) time.Duration {
	q := max(len(readings)/4, 1)
	if len(readings) < 2 {
		return 0
	}
	med := func(rows [][]time.Duration, room int) time.Duration {
		v := make([]time.Duration, 0, len(rows))
		for _, r := range rows {
			if room < len(r) {
				v = append(v, r[room])
			}
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	var worst time.Duration
	for room := range readings[0] {
		worst = max(worst, med(readings[len(readings)-q:], room)-med(readings[:q], room))
	}
	return worst
}

// backlog is the audio a room has queued and not yet given the recognizer:
// enqueued 20 ms chunks minus what it heard.
func backlog(s Status) time.Duration {
	return time.Duration(int64(s.Chunks)*20-s.HeardMs) * time.Millisecond
}

func energySegmenter() segment.Segmenter {
	seg, err := segment.NewEnergy(segment.Config{}) // the default, as app.NewSegmenter
	if err != nil {
		panic(err)
	}
	return seg
}
