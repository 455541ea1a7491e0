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
	"github.com/earshot/earshot/internal/netguard"
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
	// Guard is the outbound address policy every network pull is checked
	// against, at every Run; nil refuses loopback, private and other
	// special addresses (netguard.Default).
	Guard *netguard.Policy
}

// DefaultTimeout is Options.Timeout's default.
const DefaultTimeout = 10 * time.Second

// waitDelay bounds how long Run waits for ffmpeg after killing it.
const waitDelay = 2 * time.Second

// Source pulls one stream through an ffmpeg subprocess. Run may be called
// again after it returns (each Run starts a new process), which is how a
// supervisor reconnects.
type Source struct {
	t     target
	opts  Options
	log   *slog.Logger
	guard *netguard.Policy

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
	guard := opts.Guard
	if guard == nil {
		guard = netguard.Default()
	}
	return &Source{t: t, opts: opts, guard: guard, log: opts.Logger.With("source", "ffmpeg:"+t.redacted)}, nil
}

// Describe names the source with credentials and query hidden, e.g.
// "ffmpeg:rtmp://host/live/x".
func (s *Source) Describe() string { return "ffmpeg:" + s.t.redacted }

// Args returns the ffmpeg command line for the target as given (without
// the binary). Run's differs only by the pinned address of a network
// source (see run).
func (s *Source) Args() []string { return args(s.t, s.t.input, nil, s.opts.Timeout) }

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
	r, err := s.prepare(ctx)
	if err != nil {
		return err
	}
	defer r.close()
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd, stderr := s.command(runCtx, r)
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
	return s.outcome(ctx, r, readErr, waitErr, stderr.Lines(), heard)
}

// command prepares ffmpeg in its own process group, so that cancelling
// kills it and anything it spawned, never the caller's group.
func (s *Source) command(ctx context.Context, r *run) (*exec.Cmd, *tail) {
	cmd := exec.CommandContext(ctx, s.opts.Path, args(s.t, r.input, r.opts, s.opts.Timeout)...)
	cmd.Env = r.env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	cmd.WaitDelay = waitDelay
	st := &tail{onLine: func(l string) {
		if strings.Contains(l, decodeErrLine) {
			s.decodeErrs.Add(1)
		}
		s.log.Debug("ffmpeg", "line", s.scrub(r, l))
	}}
	cmd.Stderr = st
	return cmd, st
}

// outcome turns how the read and the process ended into Run's result.
func (s *Source) outcome(ctx context.Context, r *run, readErr, waitErr error, lines []string, heard time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// A refusal explains whatever ffmpeg made of the proxy's 403 or the
	// relay's hang-up.
	if err := r.refused(); err != nil {
		return err
	}
	// The proxy's 502, or the relay's hang-up, for a closed port must read
	// like a timeout.
	if err := r.lastFailure(); heard == 0 && err != nil && netguard.IsConnectFailure(err) {
		s.log.Debug("ffmpeg: could not connect", "detail", err)
		return ErrUnreachable
	}
	if waitErr != nil {
		line, kind := classify(lines)
		if kind == nil {
			kind, line = ErrFFmpeg, lastLine(lines, waitErr)
		}
		return s.failure(r, kind, line, heard)
	}
	if line, lost := brokeOff(lines); lost && s.t.kind != kindFile {
		_, kind := classify([]string{line})
		return s.failure(r, kind, line, heard)
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

// failure is the error for a run that ended with ffmpeg's line. A
// failure to connect, before any audio, gets one neutral message whatever
// ffmpeg said (refused, timed out, reset, no route): its words would tell
// an open port from a closed or filtered one. The line goes to the debug
// log.
func (s *Source) failure(r *run, kind error, line string, heard time.Duration) error {
	line = s.scrub(r, line)
	if heard == 0 && connectLevel(kind, line) {
		s.log.Debug("ffmpeg: could not connect", "detail", line)
		return ErrUnreachable
	}
	return fmt.Errorf("%w %s: %s", kind, when(heard), line)
}

// scrub drops the context prefix and replaces the raw and pinned URLs in
// an ffmpeg line with the redacted form.
func (s *Source) scrub(r *run, line string) string {
	line = ctxPrefix.ReplaceAllString(line, "")
	for _, raw := range []string{r.input, s.t.input} {
		if raw != s.t.redacted {
			line = strings.ReplaceAll(line, raw, s.t.redacted)
		}
	}
	for _, secret := range s.t.secrets {
		line = strings.ReplaceAll(line, secret, "xxxxx")
	}
	return line
}
