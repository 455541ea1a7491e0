package tts

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Voice names an engine and a voice, "engine:name".
type Voice string

// The voices tests use. Any "espeak-ng:<voice>" (e.g. "espeak-ng:en-us+f3")
// works as well.
const (
	FliteSLT       Voice = "flite:slt"
	FliteRMS       Voice = "flite:rms"
	FliteAWB       Voice = "flite:awb"
	FliteKAL       Voice = "flite:kal"
	FestivalSLTHTS Voice = "festival:slt_hts"
	EspeakUS       Voice = "espeak-ng:en-us"
)

// Voices returns the voices above, natural-sounding ones first.
func Voices() []Voice {
	return []Voice{FliteSLT, FliteRMS, FliteAWB, FliteKAL, FestivalSLTHTS, EspeakUS}
}

// festivalVoiceDir is where festvox-us-slt-hts installs its voice.
const festivalVoiceDir = "/usr/share/festival/voices/us/cmu_us_slt_arctic_hts"

var fliteVoices = map[string]bool{"slt": true, "rms": true, "awb": true, "kal": true, "kal16": true}

// ErrUnknownVoice is returned for a voice this package cannot drive.
var ErrUnknownVoice = errors.New("tts: unknown voice")

func (v Voice) split() (engine, name string) {
	engine, name, _ = strings.Cut(string(v), ":")
	return engine, name
}

// Check reports why v cannot be used here: an unknown voice, or a missing
// binary or voice package (name the Debian package to install).
func Check(v Voice) error {
	engine, name := v.split()
	var need []string
	switch {
	case engine == "flite" && fliteVoices[name]:
		need = []string{"flite"}
	case engine == "festival" && name == "slt_hts":
		if _, err := os.Stat(festivalVoiceDir); err != nil {
			return fmt.Errorf("tts: %s needs package festvox-us-slt-hts: %w", v, err)
		}
		need = []string{"text2wave"}
	case engine == "espeak-ng" && name != "":
		need = []string{"espeak-ng"}
	default:
		return fmt.Errorf("%w: %q", ErrUnknownVoice, v)
	}
	for _, bin := range append(need, "sox") {
		if _, err := exec.LookPath(bin); err != nil {
			return fmt.Errorf("tts: %s needs %s (scripts/setup.sh installs it): %w", v, bin, err)
		}
	}
	return nil
}

// Available reports whether v can be synthesized here; see Check for why
// not.
func Available(v Voice) bool { return Check(v) == nil }

// Synthesize speaks text with voice v into outPath as 16 kHz mono 16-bit
// WAV.
func Synthesize(ctx context.Context, v Voice, text, outPath string) error {
	if err := Check(v); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "earshot-tts-*")
	if err != nil {
		return fmt.Errorf("tts: %w", err)
	}
	defer os.RemoveAll(dir)
	raw := filepath.Join(dir, "raw.wav")
	if err := synthCommand(ctx, v, text, raw).run(); err != nil {
		return fmt.Errorf("tts: synthesize with %s: %w", v, err)
	}
	if err := convert(ctx, raw, outPath); err != nil {
		return fmt.Errorf("tts: synthesize with %s: %w", v, err)
	}
	return nil
}

// convert rewrites any audio file sox reads as 16 kHz mono 16-bit WAV.
func convert(ctx context.Context, in, out string) error {
	c := command{ctx: ctx, name: "sox", args: []string{in, "-r", "16000", "-c", "1", "-b", "16", "-e", "signed-integer", out}}
	return c.run()
}

func synthCommand(ctx context.Context, v Voice, text, out string) command {
	engine, name := v.split()
	switch engine {
	case "flite":
		return command{ctx: ctx, name: "flite", args: []string{"-voice", name, "-t", text, "-o", out}}
	case "festival":
		return command{ctx: ctx, name: "text2wave", stdin: text,
			args: []string{"-eval", "(voice_cmu_us_slt_arctic_hts)", "-o", out}}
	default:
		return command{ctx: ctx, name: "espeak-ng", stdin: text,
			args: []string{"-v", name, "-w", out, "--stdin"}}
	}
}

// command is one external program run without a shell.
type command struct {
	ctx   context.Context
	name  string
	args  []string
	stdin string
}

func (c command) run() error {
	cmd := exec.CommandContext(c.ctx, c.name, c.args...)
	cmd.Stdin = strings.NewReader(c.stdin)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s: %w: %s", c.name, err, strings.TrimSpace(string(out)))
	}
	return nil
}
