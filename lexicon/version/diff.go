package version

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/earshot/earshot/lexicon"
)

// Diff is what changed between two lexicons, rule by rule (rules are
// matched by id) and field by field.
type Diff struct {
	Added   []RuleRef     `json:"added"`
	Removed []RuleRef     `json:"removed"`
	Changed []RuleChange  `json:"changed"`
	Fields  []FieldChange `json:"fields,omitempty"` // lexicon-level: name, description
}

// RuleRef names a rule.
type RuleRef struct {
	ID       string `json:"id"`
	Category string `json:"category"`
}

// RuleChange lists the fields of one rule that differ.
type RuleChange struct {
	ID       string        `json:"id"`
	Category string        `json:"category"`
	Fields   []FieldChange `json:"fields"`
}

// FieldChange is one field's old and new value as text. For patterns and
// exceptions each added or removed entry is its own change, with Old or
// New empty.
type FieldChange struct {
	Field string `json:"field"`
	Old   string `json:"old,omitempty"`
	New   string `json:"new,omitempty"`
}

// Empty reports whether nothing changed.
func (d *Diff) Empty() bool {
	return d == nil || len(d.Added)+len(d.Removed)+len(d.Changed)+len(d.Fields) == 0
}

// Compare returns the changes from old to new; a nil old means every rule
// of new is added.
func Compare(old, new *lexicon.Lexicon) *Diff {
	d := &Diff{Added: []RuleRef{}, Removed: []RuleRef{}, Changed: []RuleChange{}}
	if old == nil {
		old = &lexicon.Lexicon{}
	}
	if new == nil {
		new = &lexicon.Lexicon{}
	}
	d.Fields = appendField(d.Fields, "name", old.Name, new.Name)
	d.Fields = appendField(d.Fields, "description", old.Description, new.Description)
	d.Fields = appendSet(d.Fields, "allow", old.Allow, new.Allow)
	d.Fields = appendEscalation(d.Fields, old.Escalation, new.Escalation)
	before := map[string]*lexicon.Rule{}
	for i := range old.Rules {
		before[old.Rules[i].ID] = &old.Rules[i]
	}
	seen := map[string]bool{}
	for i := range new.Rules {
		r := &new.Rules[i]
		seen[r.ID] = true
		o, ok := before[r.ID]
		if !ok {
			d.Added = append(d.Added, RuleRef{ID: r.ID, Category: r.Category})
			continue
		}
		if fs := compareRule(o, r); len(fs) > 0 {
			d.Changed = append(d.Changed, RuleChange{ID: r.ID, Category: r.Category, Fields: fs})
		}
	}
	for _, r := range old.Rules {
		if !seen[r.ID] {
			d.Removed = append(d.Removed, RuleRef{ID: r.ID, Category: r.Category})
		}
	}
	return d
}

func compareRule(o, n *lexicon.Rule) []FieldChange {
	var fs []FieldChange
	fs = appendField(fs, "category", o.Category, n.Category)
	fs = appendField(fs, "severity", o.Severity, n.Severity)
	fs = appendField(fs, "languages", strings.Join(o.Languages, ","), strings.Join(n.Languages, ","))
	fs = appendField(fs, "description", o.Description, n.Description)
	fs = appendField(fs, "reminder", o.Reminder, n.Reminder)
	fs = appendField(fs, "policy", o.Policy, n.Policy)
	fs = appendField(fs, "cooldown", o.Cooldown, n.Cooldown)
	fs = appendSet(fs, "patterns", renderAll(o.Patterns, renderPattern), renderAll(n.Patterns, renderPattern))
	fs = appendSet(fs, "exceptions", renderAll(o.Exceptions, renderException), renderAll(n.Exceptions, renderException))
	fs = appendSet(fs, "allow", o.Allow, n.Allow)
	fs = appendField(fs, "short_latin_guard", renderSwitch(o.ShortLatinGuard), renderSwitch(n.ShortLatinGuard))
	fs = appendField(fs, "romanized", strconv.FormatBool(o.Romanized), strconv.FormatBool(n.Romanized))
	fs = appendField(fs, "typed", strconv.FormatBool(o.Typed), strconv.FormatBool(n.Typed))
	return fs
}

// renderSwitch is an optional switch as written: unset reads "default"
// (the switch's documented default applies).
func renderSwitch(b *bool) string {
	if b == nil {
		return "default"
	}
	return strconv.FormatBool(*b)
}

func appendField(fs []FieldChange, field, old, new string) []FieldChange {
	if old == new {
		return fs
	}
	return append(fs, FieldChange{Field: field, Old: old, New: new})
}

// appendSet reports entries removed then added; order changes alone do not
// change what a rule matches, so they are not reported.
func appendSet(fs []FieldChange, field string, old, new []string) []FieldChange {
	in := func(s string, set []string) bool {
		for _, x := range set {
			if x == s {
				return true
			}
		}
		return false
	}
	for _, s := range old {
		if !in(s, new) {
			fs = append(fs, FieldChange{Field: field, Old: s})
		}
	}
	for _, s := range new {
		if !in(s, old) {
			fs = append(fs, FieldChange{Field: field, New: s})
		}
	}
	return fs
}

func renderAll[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func renderPattern(p lexicon.Pattern) string {
	var opts []string
	if p.Slop != nil {
		opts = append(opts, fmt.Sprintf("slop=%d", *p.Slop))
	}
	if p.Fuzzy != nil {
		opts = append(opts, fmt.Sprintf("fuzzy=%t", *p.Fuzzy))
	}
	for _, g := range []struct {
		name string
		vs   []string
	}{{"not_followed_by", p.NotFollowedBy}, {"not_preceded_by", p.NotPrecededBy}, {"not_inside", p.NotInside}} {
		if len(g.vs) > 0 {
			vs := append([]string(nil), g.vs...)
			sort.Strings(vs)
			opts = append(opts, g.name+"=["+strings.Join(vs, " ")+"]")
		}
	}
	if len(opts) == 0 {
		return p.String()
	}
	return p.String() + " (" + strings.Join(opts, ", ") + ")"
}

func renderException(x lexicon.Exception) string {
	var opts []string
	if x.Window != nil {
		opts = append(opts, fmt.Sprintf("window=%d", *x.Window))
	}
	if x.Slop != nil {
		opts = append(opts, fmt.Sprintf("slop=%d", *x.Slop))
	}
	if x.Fuzzy != nil {
		opts = append(opts, fmt.Sprintf("fuzzy=%t", *x.Fuzzy))
	}
	if len(opts) == 0 {
		return x.Phrase
	}
	return x.Phrase + " (" + strings.Join(opts, ", ") + ")"
}

// appendEscalation reports the escalation section's own levels as one
// field and its per-category/severity entries as a set.
func appendEscalation(fs []FieldChange, o, n *lexicon.Escalation) []FieldChange {
	var ol, nl string
	var op, np []string
	if o != nil {
		ol, op = renderLevels(o.EscalationLevels), renderAll(o.Policies, renderEscalationEntry)
	}
	if n != nil {
		nl, np = renderLevels(n.EscalationLevels), renderAll(n.Policies, renderEscalationEntry)
	}
	fs = appendField(fs, "escalation", ol, nl)
	return appendSet(fs, "escalation.policies", op, np)
}

func renderEscalationEntry(e lexicon.EscalationEntry) string {
	var who []string
	if e.Category != "" {
		who = append(who, "category="+e.Category)
	}
	if e.Severity != "" {
		who = append(who, "severity="+e.Severity)
	}
	return strings.Join(who, " ") + ": " + renderLevels(e.EscalationLevels)
}

func renderLevels(l lexicon.EscalationLevels) string {
	var out []string
	add := func(k, v string) {
		if v != "" {
			out = append(out, k+"="+v)
		}
	}
	count := func(p *int) string {
		if p == nil {
			return ""
		}
		return strconv.Itoa(*p)
	}
	add("window", l.Window)
	add("staff", count(l.Staff))
	add("stop_suggested", count(l.StopSuggested))
	add("heeded", l.Heeded)
	add("per", l.Per)
	return strings.Join(out, " ")
}
