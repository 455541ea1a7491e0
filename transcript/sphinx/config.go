package sphinx

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"
)

// Paths of the Debian pocketsphinx-en-us model.
const (
	DefaultHMM  = "/usr/share/pocketsphinx/model/en-us/en-us"
	DefaultLM   = "/usr/share/pocketsphinx/model/en-us/en-us.lm.bin"
	DefaultDict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"
)

// Defaults of Config.
const (
	DefaultNBest        = 5
	DefaultPartialEvery = 300 * time.Millisecond
	DefaultMaxIdle      = 2
)

// ErrModelMissing is returned by New when a model file is absent.
var ErrModelMissing = errors.New("sphinx: model file missing (apt-get install pocketsphinx-en-us)")

// Keyphrase is a phrase to spot in keyword mode. Threshold is the
// detection threshold in (0, 1): larger is stricter, and longer phrases
// need smaller values. Zero selects one by word count: 1e-10 for one word,
// 1e-20 for two, 1e-30 for three or more.
type Keyphrase struct {
	Phrase    string
	Threshold float64
}

// Config configures a Recognizer. Zero values select the defaults.
type Config struct {
	// HMM is the acoustic model directory, LM the language model and Dict
	// the pronouncing dictionary (defaults: the Debian en-us model).
	HMM, LM, Dict string
	// NBest is the number of alternatives in a final hypothesis (default
	// 5; negative for none).
	NBest int
	// PartialEvery is how much audio passes between partial hypotheses
	// (default 300 ms); a partial is emitted only when the text changed.
	PartialEvery time.Duration
	// MaxIdle is how many decoders of closed streams are kept for reuse
	// (default 2; negative for none).
	MaxIdle int
	// Keyphrases switches to keyword spotting: the language model is not
	// used and hypotheses hold the detected phrases.
	Keyphrases []Keyphrase
	// Args are extra decoder arguments, e.g. {"-beam", "1e-60"}.
	Args []string
	// Debug lets the C library log to stderr. Logging is process-wide in
	// the library: the last decoder created decides.
	Debug bool
	// Logger receives the recognizer's own events (decoders created and
	// freed, decoders dropped after an error); default: discarded.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&c.HMM, DefaultHMM)
	def(&c.LM, DefaultLM)
	def(&c.Dict, DefaultDict)
	if c.NBest == 0 {
		c.NBest = DefaultNBest
	}
	if c.PartialEvery <= 0 {
		c.PartialEvery = DefaultPartialEvery
	}
	if c.MaxIdle == 0 {
		c.MaxIdle = DefaultMaxIdle
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// check verifies that the model files exist before the C library sees
// them.
func (c Config) check() error {
	paths := []string{c.HMM, c.Dict, c.HMM + "/mdef", c.HMM + "/means"}
	if len(c.Keyphrases) == 0 {
		paths = append(paths, c.LM)
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			return fmt.Errorf("%w: %s: %w", ErrModelMissing, p, err)
		}
	}
	return nil
}

// args returns decoder arguments; kwsFile replaces the language model.
func (c Config) args(kwsFile string) []string {
	a := []string{"-hmm", c.HMM, "-dict", c.Dict}
	if kwsFile != "" {
		a = append(a, "-kws", kwsFile)
	} else {
		a = append(a, "-lm", c.LM)
	}
	if !c.Debug {
		a = append(a, "-logfn", os.DevNull)
	}
	return append(a, c.Args...)
}

// writeKeyphrases writes a -kws file, one "phrase /threshold/" a line,
// after checking that every word is in the dictionary.
func writeKeyphrases(path, dict string, kps []Keyphrase) error {
	known, err := dictWords(dict)
	if err != nil {
		return err
	}
	var b strings.Builder
	for _, kp := range kps {
		words := strings.Fields(strings.ToLower(kp.Phrase))
		if len(words) == 0 {
			return errors.New("sphinx: empty keyphrase")
		}
		for _, w := range words {
			if !known[w] {
				return fmt.Errorf("sphinx: keyphrase %q: word %q not in %s", kp.Phrase, w, dict)
			}
		}
		th := kp.Threshold
		if th <= 0 {
			th = defaultThreshold(len(words))
		}
		fmt.Fprintf(&b, "%s /%s/\n", strings.Join(words, " "), strconv.FormatFloat(th, 'e', -1, 64))
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("sphinx: write keyphrases: %w", err)
	}
	return nil
}

func defaultThreshold(words int) float64 {
	switch words {
	case 1:
		return 1e-10
	case 2:
		return 1e-20
	}
	return 1e-30
}

// dictWords reads the words of a CMU-format dictionary.
func dictWords(path string) (map[string]bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sphinx: %w", err)
	}
	defer f.Close()
	words := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w, _, ok := strings.Cut(sc.Text(), " "); ok {
			words[cleanWord(w)] = true
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sphinx: read %s: %w", path, err)
	}
	return words, nil
}
