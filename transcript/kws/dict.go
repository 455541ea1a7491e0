package kws

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"strings"
)

// DefaultDict is the Debian pocketsphinx-en-us pronouncing dictionary.
const DefaultDict = "/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"

// Dict knows which words the decoder can spot and how many phones each has
// (its first pronunciation).
type Dict struct {
	phones map[string]int
}

// LoadDict reads a CMU-format dictionary file.
func LoadDict(path string) (*Dict, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("kws: dictionary: %w", err)
	}
	defer f.Close()
	d, err := ParseDict(f)
	if err != nil {
		return nil, fmt.Errorf("kws: dictionary %s: %w", path, err)
	}
	return d, nil
}

// ParseDict reads "word PH ON ES" lines; "word(2)" alternates are skipped
// (the first pronunciation gives the phone count).
func ParseDict(r io.Reader) (*Dict, error) {
	d := &Dict{phones: map[string]int{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || strings.HasSuffix(f[0], ")") || strings.HasPrefix(f[0], ";;;") {
			continue
		}
		w := strings.ToLower(f[0])
		if _, ok := d.phones[w]; !ok {
			d.phones[w] = len(f) - 1
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(d.phones) == 0 {
		return nil, fmt.Errorf("no entries")
	}
	return d, nil
}

// Phones returns the phone count of word, 0 if it is not in the dictionary.
func (d *Dict) Phones(word string) int { return d.phones[word] }

// Len is the number of words.
func (d *Dict) Len() int { return len(d.phones) }
