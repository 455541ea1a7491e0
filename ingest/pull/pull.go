package pull

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/earshot/earshot/ingest"
	"github.com/earshot/earshot/ingest/ffmpeg"
	"github.com/earshot/earshot/ingest/wavfile"
	"github.com/earshot/earshot/ingest/whep"
	"github.com/earshot/earshot/internal/netguard"
)

// ErrUnsupported is wrapped when a URL's scheme is not one New knows.
var ErrUnsupported = errors.New("unsupported source URL")

// Options apply to whichever source kind New picks.
type Options struct {
	// FFmpegPath is the ffmpeg binary; default "ffmpeg" on PATH.
	FFmpegPath string
	// Token is sent as "Authorization: Bearer" to a WHEP endpoint.
	Token string
	// Realtime paces files by the wall clock, as if they were live.
	Realtime bool
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Guard is the outbound address policy network sources are checked
	// against at every Run; nil refuses loopback, private and other
	// special addresses (netguard.Default).
	Guard *netguard.Policy
	// WHEP is the WebRTC client WHEP sources share (one pion API per
	// process); nil builds one per source.
	WHEP *whep.Client
}

// New validates rawURL and returns the Source that pulls it. Nothing is
// started until the Source's Run.
func New(rawURL string, opts Options) (ingest.Source, error) {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	raw := strings.TrimSpace(rawURL)
	if strings.HasPrefix(raw, "/") {
		return file(raw, opts)
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return nil, fmt.Errorf("pull: %w: %q is neither an absolute path nor a URL with a scheme", ErrUnsupported, ffmpeg.Redact(raw))
	}
	sch, ok := lookup(scheme)
	if !ok {
		return nil, fmt.Errorf("pull: %w: scheme %q (want %s)", ErrUnsupported, scheme, names())
	}
	switch sch.Kind {
	case KindWHEP:
		src, err := whep.New(strings.TrimPrefix(sch.Name, whepPrefix)+"://"+rest,
			whep.Options{Token: opts.Token, Logger: opts.Logger, Guard: opts.Guard, Client: opts.WHEP})
		if err != nil {
			return nil, fmt.Errorf("pull: %w", err)
		}
		return src, nil
	case KindFile:
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("pull: %w: %v", ErrUnsupported, err)
		}
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("pull: %w: file URL with host %q", ErrUnsupported, u.Host)
		}
		return file(u.Path, opts)
	default:
		return viaFFmpeg(raw, opts)
	}
}

// file opens a WAV directly (exact, no subprocess) and anything else
// through ffmpeg.
func file(path string, opts Options) (ingest.Source, error) {
	if !filepath.IsAbs(path) {
		return nil, fmt.Errorf("pull: %w: file path %q is not absolute", ErrUnsupported, path)
	}
	if strings.EqualFold(filepath.Ext(path), ".wav") {
		w := &wavSource{path: filepath.Clean(path), opts: wavfile.Options{Realtime: opts.Realtime}}
		src, err := wavfile.Open(w.path, w.opts) // check the header now
		if err != nil {
			return nil, fmt.Errorf("pull: %w", err)
		}
		_ = src.Close()
		return w, nil
	}
	return viaFFmpeg(path, opts)
}

// wavSource reopens the file on every Run, so a supervisor may run it
// again, and holds no descriptor while idle.
type wavSource struct {
	path string
	opts wavfile.Options
}

func (w *wavSource) Describe() string { return "wav:" + w.path }

func (w *wavSource) Run(ctx context.Context, emit ingest.Emit) error {
	src, err := wavfile.Open(w.path, w.opts)
	if err != nil {
		return err
	}
	return src.Run(ctx, emit)
}

func viaFFmpeg(raw string, opts Options) (ingest.Source, error) {
	src, err := ffmpeg.New(raw, ffmpeg.Options{Path: opts.FFmpegPath, Realtime: opts.Realtime, Logger: opts.Logger, Guard: opts.Guard})
	if err != nil {
		return nil, fmt.Errorf("pull: %w", err)
	}
	return src, nil
}
