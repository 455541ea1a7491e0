package analysis

import (
	_ "embed"
	"fmt"
	"strings"
)

// jpNotVariant are keys of OpenCC's JPVariantsRev (Japanese shinjitai to
// traditional) that are everyday Chinese characters of another meaning:
// 给予 is not 给豫, 欠款 not 缺款, 醋 not 酢, 沙家浜 not 沙家滨.
var jpNotVariant = map[rune]bool{'予': true, '欠': true, '醋': true, '浜': true, '疏': true, '弁': true}

// jpVariantsRev is OpenCC's dictionary/JPVariantsRev.txt (Apache 2.0, as
// the module embeds it): shinjitai, a tab, then traditional forms.
//
//go:embed dict/JPVariantsRev.txt
var jpVariantsRev string

// readCharTable reads an OpenCC text dictionary's one-rune keys and the
// first of their values.
func readCharTable(text string) (map[rune]rune, error) {
	m := map[rune]rune{}
	for line := range strings.Lines(text) {
		k, v, ok := strings.Cut(strings.TrimRight(line, "\r\n"), "\t")
		if !ok {
			continue
		}
		v, _, _ = strings.Cut(v, " ")
		from, to := []rune(k), []rune(v)
		if len(from) != 1 || len(to) != 1 {
			return nil, fmt.Errorf("OpenCC table line %q: want one rune to one", line)
		}
		m[from[0]] = to[0]
	}
	return m, nil
}
