package lexicon

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/earshot/earshot/analysis"
)

// The closed vocabularies of the format (docs/lexicon.md), from vocab.go.
var (
	categories = ids(Categories())
	severities = ids(Severities())
	languages  = ids(Languages())
	reID       = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)
)

// CurrentFormat is the only format version this package reads.
const CurrentFormat = 1

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if v == s {
			return true
		}
	}
	return false
}

// validate checks every field and fills derived ones (CooldownDuration,
// guessed Languages). It appends to c rather than stopping at the first
// problem.
func validate(lx *Lexicon, c *collector) {
	c.sets = lx.Sets
	switch {
	case lx.Format == 0:
		c.add("", 0, "format", "missing (must be %d)", CurrentFormat)
	case lx.Format != CurrentFormat:
		c.add("", 0, "format", "unknown format %d (must be %d)", lx.Format, CurrentFormat)
	}
	for j, a := range lx.Allow {
		if msg := c.phrase(a, false); msg != "" {
			c.add("", 0, fmt.Sprintf("allow[%d]", j), "%s (the allowed phrase could never match)", msg)
		}
	}
	validateSets(lx.Sets, c) // sets.go
	validateEscalation(lx.Escalation, c)
	seen := map[string]int{}
	for i := range lx.Rules {
		r := &lx.Rules[i]
		validateRule(r, i+1, c)
		if r.ID == "" {
			continue
		}
		if prev, dup := seen[r.ID]; dup {
			c.add(r.ID, i+1, "id", "duplicate id (first used by rule #%d)", prev)
		} else {
			seen[r.ID] = i + 1
		}
	}
}

func validateRule(r *Rule, idx int, c *collector) {
	id := r.ID
	switch {
	case id == "":
		c.add("", idx, "id", "missing")
	case len(id) > MaxIDLen || !reID.MatchString(id):
		c.add(id, idx, "id", "must match [a-z0-9][a-z0-9._-]* and be at most %d chars", MaxIDLen)
	}
	if !oneOf(r.Category, categories) {
		c.add(id, idx, "category", "unknown category %q (must be one of %s)", r.Category, strings.Join(categories, ", "))
	}
	if !oneOf(r.Severity, severities) {
		c.add(id, idx, "severity", "unknown severity %q (must be one of %s)", r.Severity, strings.Join(severities, ", "))
	}
	for j, l := range r.Languages {
		if !oneOf(l, languages) {
			c.add(id, idx, fmt.Sprintf("languages[%d]", j), "unknown language %q (must be zh or en)", l)
		}
	}
	if strings.TrimSpace(r.Reminder) == "" {
		c.add(id, idx, "reminder", "must not be empty")
	}
	if r.Cooldown != "" {
		d, err := time.ParseDuration(r.Cooldown)
		if err != nil || d < 0 {
			c.add(id, idx, "cooldown", "bad duration %q (e.g. 30s, 2m)", r.Cooldown)
		}
		r.CooldownDuration = max(d, 0)
	}
	if len(r.Patterns) == 0 {
		c.add(id, idx, "patterns", "must have at least one pattern")
	}
	for j := range r.Patterns {
		validatePattern(&r.Patterns[j], id, idx, fmt.Sprintf("patterns[%d]", j), c)
	}
	for j, x := range r.Exceptions {
		validateException(x, id, idx, fmt.Sprintf("exceptions[%d]", j), c)
	}
	for j, a := range r.Allow {
		if msg := c.phrase(a, false); msg != "" {
			c.add(id, idx, fmt.Sprintf("allow[%d]", j), "%s (the allowed phrase could never match)", msg)
		}
	}
	if len(r.Languages) == 0 {
		r.Languages = guessLanguages(expandPatterns(r.Patterns, c.sets)) // a {set}'s members say which
	}
}

func validatePattern(p *Pattern, id string, idx int, field string, c *collector) {
	reportUnknown(p.unknown, id, idx, field, c)
	if p.Contact != "" {
		contactKinds := ids(ContactKinds())
		if !oneOf(p.Contact, contactKinds) {
			c.add(id, idx, field+".contact", "unknown contact %q (must be one of %s)", p.Contact, strings.Join(contactKinds, ", "))
		}
		if p.Phrase != "" || p.Digits != 0 || p.Slop != nil || p.Fuzzy != nil || len(p.NotFollowedBy)+len(p.NotPrecededBy)+len(p.NotInside) > 0 {
			c.add(id, idx, field, "a contact pattern takes no phrase, digits or other options")
		}
		return
	}
	if p.Digits != 0 {
		if p.Phrase != "" {
			c.add(id, idx, field, "has both phrase and digits")
		}
		if p.Digits < MinDigits || p.Digits > MaxDigits {
			c.add(id, idx, field+".digits", "must be between %d and %d", MinDigits, MaxDigits)
		}
		if p.Slop != nil || p.Fuzzy != nil || len(p.NotFollowedBy)+len(p.NotPrecededBy)+len(p.NotInside) > 0 {
			c.add(id, idx, field, "a digits pattern takes no other options")
		}
		return
	}
	if msg := c.phrase(p.Phrase, true); msg != "" {
		c.add(id, idx, field+".phrase", "%s", msg)
	}
	if p.Slop != nil && (*p.Slop < 0 || *p.Slop > MaxSlop) {
		c.add(id, idx, field+".slop", "must be between 0 and %d", MaxSlop)
	}
	guards := map[string][]string{"not_followed_by": p.NotFollowedBy,
		"not_preceded_by": p.NotPrecededBy, "not_inside": p.NotInside}
	for _, name := range []string{"not_followed_by", "not_preceded_by", "not_inside"} {
		for k, g := range guards[name] {
			if msg := c.phrase(g, false); msg != "" {
				c.add(id, idx, fmt.Sprintf("%s.%s[%d]", field, name, k), "%s", msg)
			}
		}
	}
}

func validateException(x Exception, id string, idx int, field string, c *collector) {
	reportUnknown(x.unknown, id, idx, field, c)
	if msg := c.phrase(x.Phrase, false); msg != "" {
		c.add(id, idx, field+".phrase", "%s (the exception could never match)", msg)
	}
	if x.Window != nil && (*x.Window < 0 || *x.Window > MaxWindow) {
		c.add(id, idx, field+".window", "must be between 0 and %d", MaxWindow)
	}
	if x.Slop != nil && (*x.Slop < 0 || *x.Slop > MaxSlop) {
		c.add(id, idx, field+".slop", "must be between 0 and %d", MaxSlop)
	}
}

// maxPhraseTokens bounds a phrase so verification stays cheap.
const maxPhraseTokens = 24

// phraseProblem says why a phrase cannot be matched, or "". Wildcards are
// only allowed in patterns, at the end of a Latin word of two or more
// letters: a bare or leading '*' would match everything.
func phraseProblem(s string, wildcards bool) string {
	if strings.TrimSpace(s) == "" {
		return "must not be empty"
	}
	toks := analysis.Tokenize(s)
	if len(toks) == 0 {
		return fmt.Sprintf("%q normalizes to nothing (only punctuation or fillers)", s)
	}
	if len(toks) > maxPhraseTokens {
		return fmt.Sprintf("too long (%d tokens, at most %d)", len(toks), maxPhraseTokens)
	}
	if !strings.Contains(s, "*") {
		return ""
	}
	if !wildcards {
		return "'*' is only allowed in patterns"
	}
	for _, f := range strings.FieldsFunc(s, unicode.IsSpace) {
		if i := strings.Index(f, "*"); i >= 0 {
			stem := f[:i]
			if i != len(f)-1 || len(stem) < 2 || !isLatinWord(stem) {
				return fmt.Sprintf("bad wildcard in %q: '*' only at the end of a Latin word of 2+ letters", f)
			}
		}
	}
	return ""
}

func isLatinWord(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) {
			return false
		}
	}
	return s != ""
}

// guessLanguages returns zh when any phrase holds Han, en when any holds
// Latin letters, both for digit-only rules.
func guessLanguages(ps []Pattern) []string {
	zh, en := false, false
	for _, p := range ps {
		for _, r := range p.Phrase {
			zh = zh || unicode.Is(unicode.Han, r)
			en = en || (r < unicode.MaxASCII && unicode.IsLetter(r))
		}
	}
	switch {
	case zh && !en:
		return []string{"zh"}
	case en && !zh:
		return []string{"en"}
	}
	return []string{"zh", "en"}
}

func reportUnknown(keys []string, id string, idx int, field string, c *collector) {
	for _, k := range keys {
		name, line, _ := strings.Cut(k, "\x00")
		c.add(id, idx, field+"."+name, "unknown field (line %s)", line)
	}
}
