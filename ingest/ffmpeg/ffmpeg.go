package ffmpeg

import (
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/rawpcm"
)

// Options tune a Source; the zero value works.
type Options struct {
	// Path is the ffmpeg binary; default "ffmpeg" looked up on PATH.
	Path string
	// Realtime paces a file's audio by the wall clock, as if it were live.
	// Network streams arrive in real time already and are never paced.
	Realtime bool
	// Timeout is how long the source may stay silent at the socket level
	// (connect, read) before Run fails with ErrTimeout; default 10 s.
	Timeout time.Duration
	// Chunk is the length of each emitted Chunk; 0 means 20 ms.
	Chunk time.Duration
	// Logger receives ffmpeg's stderr lines at debug level; default
	// slog.Default().
	Logger *slog.Logger
}

// DefaultTimeout is Options.Timeout's default.
const DefaultTimeout = 10 * time.Second

// waitDelay bounds how long Run waits for ffmpeg after killing it.
const waitDelay = 2 * time.Second

// Source pulls one stream through an ffmpeg subprocess. Run may be called
// again after it returns (each Run starts a new process), which is how a
// supervisor reconnects.
type Source struct {
	t    target
	opts Options
	log  *slog.Logger

	mu      sync.Mutex
	lastPID int // for tests: the process of the latest Run

	decodeErrs atomic.Uint64 // "Error while decoding" lines, all Runs
}

var (
	_ ingest.Source        = (*Source)(nil)
	_ ingest.StatsProvider = (*Source)(nil)
)

// decodeErrLine is how ffmpeg reports a packet its decoder rejected (the
// decoder's own line before it says why); the stream goes on without it.
const decodeErrLine = "Error while decoding stream"

// SourceStats reports the packets ffmpeg could not decode, over all Runs
// (ingest.StatsProvider). ffmpeg's network counters are not read.
func (s *Source) SourceStats() ingest.SourceStats {
	return ingest.SourceStats{DecodeErrors: s.decodeErrs.Load()}
}

// New validates rawURL (see the package doc for schemes; a plain absolute
// path is a file) and opts. It does not start ffmpeg or touch the network.
func New(rawURL string, opts Options) (*Source, error) {
	t, err := parseTarget(rawURL)
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	if opts.Path == "" {
		opts.Path = "ffmpeg"
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("ffmpeg: negative timeout %v", opts.Timeout)
	}
	if opts.Timeout == 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if _, err := rawpcm.New(nil, t.redacted, rawpcm.Options{SampleRate: ingest.SampleRate, Channels: 1, Chunk: opts.Chunk}); err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	return &Source{t: t, opts: opts, log: opts.Logger.With("source", "ffmpeg:"+t.redacted)}, nil
}

// Describe names the source with credentials and query hidden, e.g.
// "ffmpeg:rtmp://host/live/x".
func (s *Source) Describe() string { return "ffmpeg:" + s.t.redacted }

// Args returns the ffmpeg command line Run uses (without the binary).
func (s *Source) Args() []string { return args(s.t, s.opts.Timeout) }

// Run starts ffmpeg and emits its audio until the stream ends (nil), ffmpeg
// fails (an error wrapping one of the package's sentinel errors), emit
// fails, or ctx ends (ctx's error). ffmpeg's process group is killed and
// reaped before Run returns.
func (s *Source) Run(ctx context.Context, emit ingest.Emit) error {
	if err := s.run(ctx, emit); err != nil {
		return fmt.Errorf("%s: %w", s.Describe(), err)
	}
	return nil
}

func (s *Source) run(ctx context.Context, emit ingest.Emit) error {
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd, stderr, err := s.command(runCtx)
	if err != nil {
		return err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("stdout pipe: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("%w: start %s: %v", ErrFFmpeg, s.opts.Path, err)
	}
	s.mu.Lock()
	s.lastPID = cmd.Process.Pid
	s.mu.Unlock()
	pcm, err := rawpcm.New(stdout, s.t.redacted, rawpcm.Options{
		SampleRate: ingest.SampleRate, Channels: 1, Chunk: s.opts.Chunk,
		Realtime: s.opts.Realtime && s.t.kind == kindFile,
	})
	if err != nil {
		cancel()
		_ = cmd.Wait()
		return err
	}
	var heard time.Duration
	var emitErr error
	readErr := pcm.Run(runCtx, func(c ingest.Chunk) error {
		heard = c.End()
		emitErr = emit(c)
		return emitErr
	})
	if readErr != nil {
		cancel() // stop ffmpeg: we will not read any more
	}
	waitErr := cmd.Wait()
	if emitErr != nil {
		return readErr
	}
	return s.outcome(ctx, readErr, waitErr, stderr.Lines(), heard)
}

// command prepares ffmpeg in its own process group, so that cancelling
// kills it and anything it spawned, never the caller's group.
func (s *Source) command(ctx context.Context) (*exec.Cmd, *tail, error) {
	cmd := exec.CommandContext(ctx, s.opts.Path, s.Args()...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	st := &tail{onLine: func(l string) {
		if strings.Contains(l, decodeErrLine) {
			s.decodeErrs.Add(1)
		}
		s.log.Debug("ffmpeg", "line", s.scrub(l))
	}}
	cmd.Stderr = st
	return cmd, st, nil
}

// outcome turns how the read and the process ended into Run's result.
func (s *Source) outcome(ctx context.Context, readErr, waitErr error, lines []string, heard time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if waitErr != nil {
		line, kind := classify(lines)
		if kind == nil {
			kind, line = ErrFFmpeg, lastLine(lines, waitErr)
		}
		return fmt.Errorf("%w %s: %s", kind, when(heard), s.scrub(line))
	}
	if line, lost := brokeOff(lines); lost && s.t.kind != kindFile {
		_, kind := classify([]string{line})
		return fmt.Errorf("%w %s: %s", kind, when(heard), s.scrub(line))
	}
	if readErr != nil {
		return readErr
	}
	if heard == 0 {
		return fmt.Errorf("%w: the stream ended without audio", ErrNoAudio)
	}
	return nil
}

func lastLine(lines []string, waitErr error) string {
	if len(lines) == 0 {
		return waitErr.Error()
	}
	return lines[len(lines)-1] + " (" + waitErr.Error() + ")"
}

// when says how far into the stream something happened.
func when(heard time.Duration) string {
	if heard == 0 {
		return "before any audio"
	}
	return "after " + heard.Round(time.Millisecond).String() + " of audio"
}

// ctxPrefix matches the "[tcp @ 0x55d6...] " prefix ffmpeg puts on a line:
// a pointer, noise in room status.
var ctxPrefix = regexp.MustCompile(`^\[[^\]]* @ 0x[0-9a-f]+\] `)

// scrub drops the context prefix and replaces the raw URL in an ffmpeg
// line with its redacted form.
func (s *Source) scrub(line string) string {
	line = ctxPrefix.ReplaceAllString(line, "")
	if s.t.input == s.t.redacted {
		return line
	}
	return strings.ReplaceAll(line, s.t.input, s.t.redacted)
}
