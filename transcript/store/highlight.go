package store

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// Highlight shape: short texts come back whole; longer ones as up to
// maxFragments windows of about fragmentRunes around the matches.
const (
	fragmentRunes = 160
	maxFragments  = 3
)

type span struct{ start, end int }

// highlights marks what matched in text. Locations come from the English,
// Chinese and pinyin fields, all analyzed from text, so their byte offsets
// point into it (a pinyin match marks the Han characters it was read from).
func highlights(text string, locs search.FieldTermLocationMap) map[string][]string {
	spans := matchSpans(text, locs)
	if len(spans) == 0 {
		return nil
	}
	return map[string][]string{fText: fragments(text, spans)}
}

func matchSpans(text string, locs search.FieldTermLocationMap) []span {
	var spans []span
	for _, field := range []string{fText, fTextZh, fPinyin} {
		for _, ls := range locs[field] {
			for _, l := range ls {
				st, en := int(l.Start), int(l.End)
				if st < 0 || en > len(text) || st >= en {
					continue
				}
				spans = append(spans, span{st, en})
			}
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	return merge(text, spans)
}

// merge joins overlapping spans and spans separated only by spaces, so a
// phrase is one mark.
func merge(text string, spans []span) []span {
	var out []span
	for _, sp := range spans {
		if n := len(out); n > 0 && sp.start <= out[n-1].end+1 &&
			strings.TrimSpace(text[min(sp.start, out[n-1].end):sp.start]) == "" {
			out[n-1].end = max(out[n-1].end, sp.end)
			continue
		}
		out = append(out, sp)
	}
	return out
}

func fragments(text string, spans []span) []string {
	if utf8.RuneCountInString(text) <= fragmentRunes {
		return []string{mark(text, 0, len(text), spans)}
	}
	var out []string
	lastEnd := -1
	for _, sp := range spans {
		if sp.start < lastEnd {
			continue // already inside the previous fragment
		}
		from := backRunes(text, sp.start, fragmentRunes/3)
		to := forwardRunes(text, sp.end, fragmentRunes/2)
		frag := mark(text, from, to, spans)
		if from > 0 {
			frag = "…" + frag
		}
		if to < len(text) {
			frag += "…"
		}
		out = append(out, frag)
		lastEnd = to
		if len(out) == maxFragments {
			break
		}
	}
	return out
}

// mark escapes text[from:to] and wraps the spans inside it in <mark>.
func mark(text string, from, to int, spans []span) string {
	var b strings.Builder
	at := from
	for _, sp := range spans {
		st, en := max(sp.start, from), min(sp.end, to)
		if st >= en || st < at {
			continue
		}
		b.WriteString(html.EscapeString(text[at:st]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[st:en]))
		b.WriteString("</mark>")
		at = en
	}
	b.WriteString(html.EscapeString(text[at:to]))
	return b.String()
}

func backRunes(s string, i, n int) int {
	for ; n > 0 && i > 0; n-- {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

func forwardRunes(s string, i, n int) int {
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}
