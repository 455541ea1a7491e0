package phonetic

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxCompoundProns caps the pronunciations built for a compound word.
const maxCompoundProns = 4

// Dict is a pronouncing dictionary: lower-case words to ARPAbet phone
// sequences without stress digits. It is immutable after loading and safe
// for concurrent use.
type Dict struct {
	phones *phoneTable
	// words maps a word to its pronunciations, each a string of phone ids.
	words map[string][]string
}

// LoadDict reads a CMU-format dictionary file.
func LoadDict(path string) (*Dict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("phonetic: load dict: %w", err)
	}
	defer f.Close()
	d, err := ParseDict(f)
	if err != nil {
		return nil, fmt.Errorf("phonetic: load dict %s: %w", path, err)
	}
	return d, nil
}

// ParseDict reads a CMU-format dictionary: one "word PH1 PH2 ..." a line,
// alternates written "word(2) ...", comments starting with ";;;" or "#".
// Stress digits are stripped (AH0 → AH) and words are lower-cased.
func ParseDict(r io.Reader) (*Dict, error) {
	d := &Dict{phones: newPhoneTable(), words: map[string][]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		if err := d.parseLine(sc.Text()); err != nil {
			return nil, fmt.Errorf("phonetic: line %d: %w", n, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("phonetic: read dict: %w", err)
	}
	return d, nil
}

func (d *Dict) parseLine(line string) error {
	if i := strings.Index(line, "#"); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	if len(f) == 0 || strings.HasPrefix(f[0], ";;;") {
		return nil
	}
	if len(f) < 2 {
		return fmt.Errorf("word %q has no phones", f[0])
	}
	word := normalizeWord(stripAltSuffix(f[0]))
	pron := make([]byte, 0, len(f)-1)
	for _, p := range f[1:] {
		p = strings.ToUpper(strings.TrimRight(p, "012"))
		if p == "" {
			return fmt.Errorf("word %q: empty phone", word)
		}
		id, ok := d.phones.id(p)
		if !ok {
			return fmt.Errorf("word %q: more than 256 distinct phones", word)
		}
		pron = append(pron, id)
	}
	d.words[word] = appendUnique(d.words[word], string(pron))
	return nil
}

// stripAltSuffix turns "word(2)" into "word".
func stripAltSuffix(w string) string {
	if i := strings.LastIndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		return w[:i]
	}
	return w
}

// normalizeWord lower-cases w and trims punctuation around it, keeping
// inner apostrophes and hyphens ("don't", "x-ray").
func normalizeWord(w string) string {
	w = strings.ToLower(w)
	return strings.TrimFunc(w, func(r rune) bool {
		return strings.ContainsRune(`.,;:!?"()[]{}`, r)
	})
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// Pronounce returns every pronunciation of word (case-insensitive) as phone
// names. A word missing from the dictionary that splits into two dictionary
// words of at least two letters each ("wechat" = "we" + "chat") is
// pronounced as their concatenation; otherwise ok is false. There is no
// other letter-to-sound guessing.
func (d *Dict) Pronounce(word string) ([][]string, bool) {
	prons := d.lookup(normalizeWord(word))
	if len(prons) == 0 {
		return nil, false
	}
	out := make([][]string, len(prons))
	for i, p := range prons {
		out[i] = d.names(p)
	}
	return out, true
}

func (d *Dict) names(pron string) []string {
	out := make([]string, len(pron))
	for i := 0; i < len(pron); i++ {
		out[i] = d.phones.names[pron[i]]
	}
	return out
}

// lookup returns the pronunciations of a normalized word as phone-id
// strings, falling back to a two-word compound split.
func (d *Dict) lookup(w string) []string {
	if p, ok := d.words[w]; ok {
		return p
	}
	if len(w) < 4 {
		return nil
	}
	for i := 2; i <= len(w)-2; i++ {
		a, b := d.words[w[:i]], d.words[w[i:]]
		if len(a) > 0 && len(b) > 0 {
			return joinProns(a, b)
		}
	}
	return nil
}

func joinProns(a, b []string) []string {
	var out []string
	for _, x := range a {
		for _, y := range b {
			if len(out) == maxCompoundProns {
				return out
			}
			out = append(out, x+y)
		}
	}
	return out
}

// Len is the number of distinct words in the dictionary.
func (d *Dict) Len() int { return len(d.words) }
