package lexicon

import (
	"fmt"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Escalation is the lexicon's `escalation:` section: how many reminders of
// one anchor within a window raise an escalation, per category and
// severity (docs/lexicon.md, "Escalation policy"). The section-level
// fields are the defaults; each entry of Policies overrides them for a
// category, a severity or both. A lexicon without the section gets
// DefaultEscalation. It is plain data read by the alert sink's escalation
// stage; this package only parses and validates it.
type Escalation struct {
	EscalationLevels `yaml:",inline"`
	Policies         []EscalationEntry `yaml:"policies"`
	unknown          []string
}

// EscalationLevels are the fields a section and each of its entries set.
// A nil or empty field of an entry takes the section's value.
type EscalationLevels struct {
	// Window is the sliding window the reminders are counted in.
	Window string `yaml:"window"`
	// Staff is the count that raises level "staff"; 0 never does.
	Staff *int `yaml:"staff"`
	// StopSuggested is the count that raises level "stop_suggested"
	// (earshot suggests, the platform decides); 0 never does.
	StopSuggested *int `yaml:"stop_suggested"`
	// Heeded is how long a reminded rule must stay unbroken in the room
	// for the reminder to count as heeded; default the window.
	Heeded string `yaml:"heeded"`
	// Per is what is counted: "rule" (reminders of the same rule, the
	// default) or "category" (of any rule of the same category).
	Per string `yaml:"per"`
}

// EscalationEntry overrides the section for one category and/or severity.
type EscalationEntry struct {
	Category         string `yaml:"category"`
	Severity         string `yaml:"severity"`
	EscalationLevels `yaml:",inline"`
	unknown          []string
}

// EscalationPolicy is the resolved policy of one category and severity.
type EscalationPolicy struct {
	Window        time.Duration
	Staff         int
	StopSuggested int
	Heeded        time.Duration
	// Per is EscalatePerRule or EscalatePerCategory.
	Per string
}

// What an escalation policy counts.
const (
	EscalatePerRule     = "rule"
	EscalatePerCategory = "category"
)

// Bounds of the escalation policy.
const (
	// MaxEscalationWindow bounds Window and Heeded: the state behind them
	// is kept (in a KV bucket) at least this long.
	MaxEscalationWindow = 24 * time.Hour
	// MaxEscalationCount bounds Staff and StopSuggested: the alert ids of
	// the counted reminders travel in the escalation.
	MaxEscalationCount = 100
)

// DefaultEscalation applies to a lexicon without an `escalation:` section:
// three reminders of the same rule within ten minutes call staff, five
// suggest stopping the stream, and a reminder not followed by the same
// rule for ten minutes was heeded.
var DefaultEscalation = EscalationPolicy{Window: 10 * time.Minute, Staff: 3, StopSuggested: 5,
	Heeded: 10 * time.Minute, Per: EscalatePerRule}

// EscalationFor resolves the policy of a hit of category and severity:
// the entry naming both wins over one naming the category, which wins
// over one naming the severity; fields it leaves unset come from the
// section, then from DefaultEscalation. lx may be nil.
func (lx *Lexicon) EscalationFor(category, severity string) EscalationPolicy {
	if lx == nil || lx.Escalation == nil {
		return DefaultEscalation
	}
	e := lx.Escalation
	p := e.EscalationLevels.over(DefaultEscalation)
	best, rank := -1, 0
	for i, en := range e.Policies {
		r := 0
		switch {
		case en.Category == category && en.Severity == severity:
			r = 3
		case en.Category == category && en.Severity == "":
			r = 2
		case en.Category == "" && en.Severity == severity:
			r = 1
		}
		if r > rank {
			best, rank = i, r
		}
	}
	if best >= 0 {
		p = e.Policies[best].EscalationLevels.over(p)
	}
	return p
}

// over returns base with the fields l sets. l is validated: bad values
// never reach here (parse errors make Parse fail).
func (l EscalationLevels) over(base EscalationPolicy) EscalationPolicy {
	heededSet := l.Heeded != ""
	if d, err := time.ParseDuration(l.Window); err == nil && l.Window != "" {
		if !heededSet && base.Heeded == base.Window {
			base.Heeded = d // heeded follows the window unless set apart
		}
		base.Window = d
	}
	if d, err := time.ParseDuration(l.Heeded); err == nil && heededSet {
		base.Heeded = d
	}
	if l.Staff != nil {
		base.Staff = *l.Staff
	}
	if l.StopSuggested != nil {
		base.StopSuggested = *l.StopSuggested
	}
	if l.Per != "" {
		base.Per = l.Per
	}
	return base
}

// UnmarshalYAML keeps unknown keys for validation to name with their path
// (a custom unmarshaler does not inherit KnownFields).
func (e *Escalation) UnmarshalYAML(n *yaml.Node) error {
	type plain Escalation
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*e = Escalation(v)
	e.unknown = unknownKeys(n, "window", "staff", "stop_suggested", "heeded", "per", "policies")
	return nil
}

// UnmarshalYAML: see Escalation.
func (en *EscalationEntry) UnmarshalYAML(n *yaml.Node) error {
	type plain EscalationEntry
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*en = EscalationEntry(v)
	en.unknown = unknownKeys(n, "category", "severity", "window", "staff", "stop_suggested", "heeded", "per")
	return nil
}

// validateEscalation checks the section, naming each problem's field as
// escalation.<field> or escalation.policies[i].<field>.
func validateEscalation(e *Escalation, c *collector) {
	if e == nil {
		return
	}
	const field = "escalation"
	reportUnknown(e.unknown, "", 0, field, c)
	validateLevels(e.EscalationLevels, field, c)
	top := e.EscalationLevels.over(DefaultEscalation)
	checkOrder(top, field, c)
	seen := map[[2]string]int{}
	for i, en := range e.Policies {
		f := fmt.Sprintf("%s.policies[%d]", field, i)
		reportUnknown(en.unknown, "", 0, f, c)
		if en.Category == "" && en.Severity == "" {
			c.add("", 0, f, "names neither a category nor a severity (set the section's fields for every hit)")
		}
		if en.Category != "" && !oneOf(en.Category, categories) {
			c.add("", 0, f+".category", "unknown category %q (must be one of %s)", en.Category, strings.Join(categories, ", "))
		}
		if en.Severity != "" && !oneOf(en.Severity, severities) {
			c.add("", 0, f+".severity", "unknown severity %q (must be one of %s)", en.Severity, strings.Join(severities, ", "))
		}
		k := [2]string{en.Category, en.Severity}
		if prev, dup := seen[k]; dup {
			c.add("", 0, f, "same category and severity as policies[%d]", prev)
		} else {
			seen[k] = i
		}
		validateLevels(en.EscalationLevels, f, c)
		checkOrder(en.EscalationLevels.over(top), f, c)
	}
}

func validateLevels(l EscalationLevels, field string, c *collector) {
	for _, d := range []struct{ name, v string }{{"window", l.Window}, {"heeded", l.Heeded}} {
		if d.v == "" {
			continue
		}
		if v, err := time.ParseDuration(d.v); err != nil || v <= 0 || v > MaxEscalationWindow {
			c.add("", 0, field+"."+d.name, "bad duration %q (a positive duration of at most 24h, e.g. 10m)", d.v)
		}
	}
	for _, n := range []struct {
		name string
		v    *int
	}{{"staff", l.Staff}, {"stop_suggested", l.StopSuggested}} {
		if n.v != nil && (*n.v < 0 || *n.v > MaxEscalationCount) {
			c.add("", 0, field+"."+n.name, "must be between 0 (never) and %d reminders", MaxEscalationCount)
		}
	}
	if l.Per != "" && l.Per != EscalatePerRule && l.Per != EscalatePerCategory {
		c.add("", 0, field+".per", "unknown %q (must be %s or %s)", l.Per, EscalatePerRule, EscalatePerCategory)
	}
}

// checkOrder: stop_suggested comes after staff, or the staff level would
// never be seen on its own.
func checkOrder(p EscalationPolicy, field string, c *collector) {
	if p.Staff > 0 && p.StopSuggested > 0 && p.StopSuggested <= p.Staff &&
		p.Staff <= MaxEscalationCount && p.StopSuggested >= 0 {
		c.add("", 0, field+".stop_suggested", "%d must be more than staff (%d), or 0 for never", p.StopSuggested, p.Staff)
	}
}
