package lexicon

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Named word lists (Lexicon.Sets): a policy team writes the conditions a
// product must not claim to cure once, and every verb rule names them:
//
//	sets:
//	  conditions: [diabetes, high blood pressure, eczema]
//	rules:
//	  - id: md-en-prevent
//	    patterns:
//	      - {phrase: "prevent* {conditions}", slop: 2}
//
// Without them each verb rule carried its own copy of the list, and the
// copies drifted apart ("cures hair loss" matched, "prevents hair loss"
// did not). A {name} in a pattern's phrase or guards, an exception or an
// allowed phrase stands for any member of the set; the engine compiles one
// phrase per member (several sets in one phrase: every combination, at
// most MaxSetExpansion). The lexicon as written (Engine.Lexicon, exports,
// diffs) keeps the {name}.

// Bounds on sets, so a lexicon stays cheap to compile.
const (
	MaxSets         = 256
	MaxSetMembers   = 5000
	MaxSetExpansion = 2000 // phrases one phrase may expand to
)

var (
	reSetName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,63}$`)
	reSetRef  = regexp.MustCompile(`\{([^{}]*)\}`)
)

// expandPhrase is s with every {name} replaced by each member of that
// set, in order; s itself when it names no set. An unknown set, a
// malformed reference or too many combinations is an error naming it
// (validation reports it with the field; Compile drops the phrase).
func expandPhrase(s string, sets map[string][]string) ([]string, error) {
	if !strings.ContainsAny(s, "{}") {
		return []string{s}, nil
	}
	refs := reSetRef.FindAllStringSubmatchIndex(s, -1)
	rest := reSetRef.ReplaceAllString(s, "")
	if strings.ContainsAny(rest, "{}") {
		return nil, fmt.Errorf("%q: a brace that is not part of a {set} reference", s)
	}
	out := []string{""}
	last := 0
	for _, m := range refs {
		name := s[m[2]:m[3]]
		members, ok := sets[name]
		if !ok {
			return nil, fmt.Errorf("unknown set {%s} (sets: %s)", name, setNames(sets))
		}
		if len(out)*len(members) > MaxSetExpansion {
			return nil, fmt.Errorf("%q expands to more than %d phrases", s, MaxSetExpansion)
		}
		lit := s[last:m[0]]
		next := make([]string, 0, len(out)*len(members))
		for _, prefix := range out {
			for _, mem := range members {
				next = append(next, prefix+lit+mem)
			}
		}
		out, last = next, m[1]
	}
	for i := range out {
		out[i] += s[last:]
	}
	return out, nil
}

// setNames lists the sets for a message.
func setNames(sets map[string][]string) string {
	if len(sets) == 0 {
		return "none defined"
	}
	return strings.Join(slices.Sorted(maps.Keys(sets)), ", ")
}

// expandAll expands each phrase of ss; a phrase that does not expand is
// dropped (validation has reported it).
func expandAll(ss []string, sets map[string][]string) []string {
	if ss == nil {
		return nil
	}
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if xs, err := expandPhrase(s, sets); err == nil {
			out = append(out, xs...)
		}
	}
	return out
}

// expandSets is lx with every set reference expanded, for the engine to
// compile; lx when it has no sets.
func (lx *Lexicon) expandSets() *Lexicon {
	if len(lx.Sets) == 0 {
		return lx
	}
	x := *lx
	x.Sets = nil
	x.Allow = expandAll(lx.Allow, lx.Sets)
	x.Rules = make([]Rule, len(lx.Rules))
	for i, r := range lx.Rules {
		r.Patterns = expandPatterns(r.Patterns, lx.Sets)
		var exs []Exception
		for _, e := range r.Exceptions {
			for _, ph := range expandAll([]string{e.Phrase}, lx.Sets) {
				e.Phrase = ph
				exs = append(exs, e)
			}
		}
		r.Exceptions = exs
		r.Allow = expandAll(r.Allow, lx.Sets)
		x.Rules[i] = r
	}
	return &x
}

func expandPatterns(ps []Pattern, sets map[string][]string) []Pattern {
	out := make([]Pattern, 0, len(ps))
	for _, p := range ps {
		p.NotFollowedBy = expandAll(p.NotFollowedBy, sets)
		p.NotPrecededBy = expandAll(p.NotPrecededBy, sets)
		p.NotInside = expandAll(p.NotInside, sets)
		if p.Phrase == "" {
			out = append(out, p)
			continue
		}
		for _, ph := range expandAll([]string{p.Phrase}, sets) {
			p.Phrase = ph
			out = append(out, p)
		}
	}
	return out
}

// validateSets checks the sets themselves: names, sizes, members.
func validateSets(sets map[string][]string, c *collector) {
	if len(sets) > MaxSets {
		c.add("", 0, "sets", "%d sets, at most %d", len(sets), MaxSets)
	}
	for _, name := range slices.Sorted(maps.Keys(sets)) { // errors in a stable order
		members := sets[name]
		field := "sets." + name
		if !reSetName.MatchString(name) {
			c.add("", 0, field, "bad set name %q: must match [a-z0-9][a-z0-9_-]* and be at most 64 chars", name)
		}
		switch {
		case len(members) == 0:
			c.add("", 0, field, "must have at least one member")
		case len(members) > MaxSetMembers:
			c.add("", 0, field, "%d members, at most %d", len(members), MaxSetMembers)
		}
		for j, m := range members {
			if strings.ContainsAny(m, "{}") {
				c.add("", 0, fmt.Sprintf("%s[%d]", field, j), "%q: a member cannot name a set", m)
			} else if strings.TrimSpace(m) == "" {
				c.add("", 0, fmt.Sprintf("%s[%d]", field, j), "must not be empty")
			}
		}
	}
}

// checkPhrase validates phrase s of field as written and, when it names
// sets, each phrase it expands to (problem is phraseProblem's check).
func checkPhrase(s string, sets map[string][]string, problem func(string) string) string {
	xs, err := expandPhrase(s, sets)
	if err != nil {
		return err.Error()
	}
	for _, x := range xs {
		if msg := problem(x); msg != "" {
			if len(xs) > 1 || x != s {
				return fmt.Sprintf("%s (in %q, from %q)", msg, x, s)
			}
			return msg
		}
	}
	return ""
}
