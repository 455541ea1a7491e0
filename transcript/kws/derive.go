package kws

import (
	"slices"
	"strings"
)

// Keyphrase is one phrase to spot, with the IDs of the phrases it came
// from (Phrase.ID: rule ids when the list comes from a lexicon).
type Keyphrase struct {
	Phrase    string   `json:"phrase"`
	Words     int      `json:"words"`
	Phones    int      `json:"phones"`
	Threshold float64  `json:"threshold"`
	Rules     []string `json:"rules"`
}

// DeriveOptions bound the derivation. Zero values select the defaults.
type DeriveOptions struct {
	// MinSinglePhones is the least phone count of a one-word keyphrase
	// (default 8: "telegram", "liquidation"; short single words fire on
	// everything).
	MinSinglePhones int
	// WildcardLetters is how many letters a '*' may add (default 3:
	// cure* → cures, cured) and WildcardVariants how many dictionary
	// words one wildcard word expands to (default 3), taken from the
	// inflections below in order.
	WildcardLetters, WildcardVariants int
	// MaxPerPattern bounds the phrases one pattern expands to (default 6).
	MaxPerPattern int
}

func (o DeriveOptions) withDefaults() DeriveOptions {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&o.MinSinglePhones, 8)
	def(&o.WildcardLetters, 3)
	def(&o.WildcardVariants, 3)
	def(&o.MaxPerPattern, 6)
	return o
}

// Derive lists the keyphrases of phrases, in list order, each once, with
// thresholds from th. Phrases with a word the dictionary lacks or a zero
// threshold (band off) are skipped: the free-text recognizer still covers
// them.
func Derive(phrases []Phrase, d *Dict, th Thresholds, o DeriveOptions) []Keyphrase {
	o = o.withDefaults()
	var out []Keyphrase
	index := map[string]int{}
	for _, p := range phrases {
		for _, ph := range expand(p.Text, d, o) {
			if i, ok := index[ph]; ok {
				if !slices.Contains(out[i].Rules, p.ID) {
					out[i].Rules = append(out[i].Rules, p.ID)
				}
				continue
			}
			kp, ok := keyphrase(ph, d, th, o)
			if !ok {
				continue
			}
			kp.Rules = []string{p.ID}
			index[ph] = len(out)
			out = append(out, kp)
		}
	}
	return out
}

func keyphrase(ph string, d *Dict, th Thresholds, o DeriveOptions) (Keyphrase, bool) {
	words := strings.Fields(ph)
	n := 0
	for _, w := range words {
		n += d.Phones(w)
	}
	if len(words) == 1 && n < o.MinSinglePhones {
		return Keyphrase{}, false
	}
	t := th.For(n)
	if t <= 0 {
		return Keyphrase{}, false
	}
	return Keyphrase{Phrase: ph, Words: len(words), Phones: n, Threshold: t}, true
}

// expand returns the dictionary spellings of a phrase pattern: lower case,
// hyphens as spaces, each "stem*" replaced by the dictionary words that
// extend it by a few letters. Nil when a word cannot be spotted.
func expand(phrase string, d *Dict, o DeriveOptions) []string {
	words := strings.Fields(strings.ReplaceAll(strings.ToLower(phrase), "-", " "))
	if len(words) == 0 {
		return nil
	}
	alts := make([][]string, len(words))
	for i, w := range words {
		alts[i] = spellings(w, d, o)
		if len(alts[i]) == 0 {
			return nil
		}
	}
	out := []string{""}
	for _, a := range alts {
		var next []string
		for _, prefix := range out {
			for _, w := range a {
				if len(next) < o.MaxPerPattern {
					next = append(next, strings.TrimSpace(prefix+" "+w))
				}
			}
		}
		out = next
	}
	return out
}

func spellings(w string, d *Dict, o DeriveOptions) []string {
	stem, wild := strings.CutSuffix(w, "*")
	if stem == "" || strings.ContainsFunc(stem, func(r rune) bool { return (r < 'a' || r > 'z') && r != '\'' }) {
		return nil
	}
	if !wild {
		if d.Phones(stem) == 0 {
			return nil
		}
		return []string{stem}
	}
	var out []string
	for _, suf := range inflections {
		if w := stem + suf; d.Phones(w) > 0 && len(suf) <= o.WildcardLetters && !slices.Contains(out, w) {
			out = append(out, w)
		}
		if len(out) == o.WildcardVariants {
			break
		}
	}
	return out
}

// inflections are the endings a '*' expands to, most useful first: the
// lexicon's "cure*" also matches "curettage", but nobody says that on air.
var inflections = []string{"", "e", "s", "es", "ed", "d", "ing", "er", "ers", "ly", "'s"}
