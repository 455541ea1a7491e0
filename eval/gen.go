package eval

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/internal/tts"
)

// GenOptions configure Generate.
type GenOptions struct {
	Out    string
	Voices []tts.Voice
	// SNRs are the noise levels, used in turn (default 15 dB).
	SNRs []float64
	Seed uint64
	// Size is "small" (12 clips, about 4 minutes) or "full" (96 clips,
	// about 30 minutes); Clips overrides the count.
	Size  string
	Clips int
	// Reverb makes every fourth clip a room-reverb variant.
	Reverb bool
	// Speeds are tempo factors, used in turn (default 1.0).
	Speeds []float64
}

// DefaultVoices are the voices PocketSphinx hears well enough to matter.
var DefaultVoices = []tts.Voice{tts.FliteSLT, tts.FliteRMS, tts.FliteAWB, tts.FliteKAL, tts.FestivalSLTHTS}

// ClipInfo is one generated clip, written to manifest.json.
type ClipInfo struct {
	Name     string    `json:"name"`
	Voice    tts.Voice `json:"voice"`
	SNR      float64   `json:"snr_db"`
	Speed    float64   `json:"speed"`
	Reverb   bool      `json:"reverb"`
	Split    string    `json:"split"`
	Sentence []string  `json:"sentences"`
	Expect   []Label   `json:"expect"`
}

// Generate synthesizes a labelled corpus into o.Out: clean talk mixed with
// violations at known offsets, noise, optional reverb, plus the zh text
// cases. Alternate rounds of categories (and of clean clips) are in the
// "train" split, the rest "test", so each split holds every category.
func Generate(ctx context.Context, o GenOptions) ([]ClipInfo, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, err
	}
	viol, err := Violations()
	if err != nil {
		return nil, err
	}
	clean := CleanSentences()
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, fmt.Errorf("eval: corpus gen: %w", err)
	}
	tmp, err := os.MkdirTemp("", "earshot-corpus-*")
	if err != nil {
		return nil, fmt.Errorf("eval: corpus gen: %w", err)
	}
	defer os.RemoveAll(tmp)
	g := &generator{o: o, tmp: tmp, cache: map[string]string{}, rng: rand.New(rand.NewPCG(o.Seed, 0x5eed))}
	var infos []ClipInfo
	pick := g.picker(viol)
	for i := range o.Clips {
		info := g.plan(i, clean, pick)
		if err := g.render(ctx, &info); err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	if err := os.WriteFile(filepath.Join(o.Out, "text_zh.jsonl"), textZH, 0o644); err != nil {
		return nil, fmt.Errorf("eval: corpus gen: %w", err)
	}
	data, _ := json.MarshalIndent(infos, "", "  ")
	if err := os.WriteFile(filepath.Join(o.Out, "manifest.json"), data, 0o644); err != nil {
		return nil, fmt.Errorf("eval: corpus gen: %w", err)
	}
	return infos, nil
}

func (o GenOptions) withDefaults() (GenOptions, error) {
	if o.Out == "" {
		return o, errors.New("eval: corpus gen: no output directory")
	}
	if len(o.Voices) == 0 {
		for _, v := range DefaultVoices {
			if tts.Available(v) {
				o.Voices = append(o.Voices, v)
			}
		}
	}
	for _, v := range o.Voices {
		if err := tts.Check(v); err != nil {
			return o, fmt.Errorf("eval: corpus gen: %w", err)
		}
	}
	if len(o.Voices) == 0 {
		return o, errors.New("eval: corpus gen: no voice available (install flite)")
	}
	if len(o.SNRs) == 0 {
		o.SNRs = []float64{15}
	}
	if len(o.Speeds) == 0 {
		o.Speeds = []float64{1}
	}
	for _, s := range o.Speeds {
		if s < 0.5 || s > 2 {
			return o, fmt.Errorf("eval: corpus gen: speed %v: want 0.5..2", s)
		}
	}
	if o.Clips <= 0 {
		switch o.Size {
		case "", "small":
			o.Clips = 12
		case "full":
			o.Clips = 96
		default:
			return o, fmt.Errorf("eval: corpus gen: size %q: want small or full", o.Size)
		}
	}
	return o, nil
}

type generator struct {
	o     GenOptions
	tmp   string
	cache map[string]string
	rng   *rand.Rand
	// categories is how many violation categories the picker deals in turn.
	categories int
}

// plan picks a clip's voice, noise, sentences and (for three clips in
// four) one violation at a random position.
// picker returns the k-th violation to use: categories in turn, and
// within a category its phrasings in a shuffled order, so that even a small
// corpus covers every category.
func (g *generator) picker(viol []Violation) func(k int) Violation {
	byCat := map[string][]Violation{}
	var cats []string
	for _, v := range viol {
		if byCat[v.Category] == nil {
			cats = append(cats, v.Category)
		}
		byCat[v.Category] = append(byCat[v.Category], v)
	}
	for _, c := range cats {
		vs := byCat[c]
		g.rng.Shuffle(len(vs), func(i, j int) { vs[i], vs[j] = vs[j], vs[i] })
	}
	g.categories = len(cats)
	return func(k int) Violation {
		vs := byCat[cats[k%len(cats)]]
		return vs[(k/len(cats))%len(vs)]
	}
}

// split puts whole rounds of categories on one side, alternating, so both
// train and test hold every category (by clip parity, categories dealt in
// turn would land each category on one side only). Clean-only clips
// alternate too.
func (g *generator) split(i int) string {
	round := i / 4 // clean-only clips: every fourth
	if i%4 != 2 && g.categories > 0 {
		round = (i - (i+1)/4) / g.categories
	}
	if round%2 == 1 {
		return "test"
	}
	return "train"
}

func (g *generator) plan(i int, clean []string, pick func(int) Violation) ClipInfo {
	o := g.o
	info := ClipInfo{
		Voice: o.Voices[i%len(o.Voices)], SNR: o.SNRs[i%len(o.SNRs)],
		Speed: o.Speeds[(i/len(o.Voices))%len(o.Speeds)], Reverb: o.Reverb && i%4 == 3, Split: g.split(i),
	}
	n := 3 + g.rng.IntN(2)
	for range n {
		info.Sentence = append(info.Sentence, clean[g.rng.IntN(len(clean))])
	}
	if i%4 != 2 { // every fourth clip is clean speech only
		v := pick(i - (i+1)/4) // index among the violation clips
		at := g.rng.IntN(n + 1)
		info.Sentence = append(info.Sentence[:at], append([]string{v.Category + "\t" + v.Text}, info.Sentence[at:]...)...)
	}
	info.Name = fmt.Sprintf("c%03d-%s-%gdb", i, strings.NewReplacer(":", "_", "-", "_").Replace(string(info.Voice)), info.SNR)
	if info.Reverb {
		info.Name += "-reverb"
	}
	if info.Speed != 1 {
		info.Name += "-x" + strconv.FormatFloat(info.Speed, 'f', -1, 64)
	}
	return info
}

func (g *generator) render(ctx context.Context, info *ClipInfo) error {
	parts := []tts.Part{{Silence: 500 * time.Millisecond}}
	cats := make([]string, len(info.Sentence)*2+1)
	for k, s := range info.Sentence {
		cat, text, isViol := strings.Cut(s, "\t")
		if !isViol {
			text = s
		}
		path, err := g.speak(ctx, info.Voice, info.Speed, text)
		if err != nil {
			return err
		}
		if isViol {
			cats[len(parts)] = cat
			info.Sentence[k] = text
		}
		parts = append(parts, tts.Part{Path: path}, tts.Part{Silence: time.Duration(500+g.rng.IntN(500)) * time.Millisecond})
	}
	dry := filepath.Join(g.tmp, info.Name+".dry.wav")
	spans, err := tts.Concat(ctx, dry, parts...)
	if err != nil {
		return fmt.Errorf("eval: corpus gen %s: %w", info.Name, err)
	}
	info.Expect = []Label{}
	for k, c := range cats {
		if c != "" {
			info.Expect = append(info.Expect, Label{Category: c, StartMs: spans[k].Start.Milliseconds(), EndMs: spans[k].End.Milliseconds()})
		}
	}
	if info.Reverb {
		wet := filepath.Join(g.tmp, info.Name+".wet.wav")
		if err := sox(ctx, dry, wet, "reverb", "40", "50", "60"); err != nil {
			return fmt.Errorf("eval: corpus gen %s: reverb: %w", info.Name, err)
		}
		dry = wet
	}
	wav := filepath.Join(g.o.Out, info.Name+".wav")
	if err := tts.AddNoise(ctx, dry, wav, info.SNR); err != nil {
		return fmt.Errorf("eval: corpus gen %s: %w", info.Name, err)
	}
	data, _ := json.Marshal(Labels{Expect: info.Expect})
	return os.WriteFile(filepath.Join(g.o.Out, info.Name+".json"), append(data, '\n'), 0o644)
}

// speak synthesizes text once per voice and speed.
func (g *generator) speak(ctx context.Context, v tts.Voice, speed float64, text string) (string, error) {
	key := fmt.Sprintf("%s|%g|%s", v, speed, text)
	if p, ok := g.cache[key]; ok {
		return p, nil
	}
	p := filepath.Join(g.tmp, fmt.Sprintf("s%04d.wav", len(g.cache)))
	if err := tts.Synthesize(ctx, v, text, p); err != nil {
		return "", fmt.Errorf("eval: corpus gen: %w", err)
	}
	if speed != 1 {
		fast := strings.TrimSuffix(p, ".wav") + ".tempo.wav"
		if err := sox(ctx, p, fast, "tempo", "-s", strconv.FormatFloat(speed, 'f', 3, 64)); err != nil {
			return "", fmt.Errorf("eval: corpus gen: tempo: %w", err)
		}
		p = fast
	}
	g.cache[key] = p
	return p, nil
}

func sox(ctx context.Context, in, out string, effect ...string) error {
	args := append([]string{"-R", in, "-r", "16000", "-c", "1", "-b", "16", out}, effect...)
	cmd := exec.CommandContext(ctx, "sox", args...)
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("sox %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(b)))
	}
	return nil
}
