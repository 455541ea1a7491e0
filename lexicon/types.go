package lexicon

import (
	"fmt"
	"time"

	"gopkg.in/yaml.v3"
)

// Lexicon is one parsed and validated lexicon file. It is plain data: Compile
// turns it into an Engine. Treat it as read-only once parsed.
type Lexicon struct {
	Format      int    `yaml:"format"`
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	// Allow lists phrases inside which no rule fires (a 白名单): a hit is
	// cancelled only when it lies inside an occurrence of one of them
	// (docs/lexicon.md, "Allow-lists, exceptions and guards").
	Allow []string `yaml:"allow"`
	// Sets are named word lists a phrase names as {name} (sets.go).
	Sets  map[string][]string `yaml:"sets"`
	Rules []Rule              `yaml:"rules"`
	// Escalation is the escalation policy (escalation.go); nil means
	// DefaultEscalation.
	Escalation *Escalation `yaml:"escalation"`
	// File is where the lexicon was read from (for messages only).
	File string `yaml:"-"`
}

// Cooldown is rule id's own reminder cooldown: 0 when the rule sets none
// or the lexicon has no such rule, and the alert sink's default applies.
func (lx *Lexicon) Cooldown(id string) time.Duration {
	for i := range lx.Rules {
		if lx.Rules[i].ID == id {
			return lx.Rules[i].CooldownDuration
		}
	}
	return 0
}

// Rule is one policy rule: any pattern firing (and no exception near it)
// produces a Hit carrying the reminder.
type Rule struct {
	ID          string      `yaml:"id"`
	Category    string      `yaml:"category"`
	Severity    string      `yaml:"severity"`
	Languages   []string    `yaml:"languages"`
	Description string      `yaml:"description"`
	Patterns    []Pattern   `yaml:"patterns"`
	Exceptions  []Exception `yaml:"exceptions"`
	// Allow lists phrases inside which this rule does not fire: unlike an
	// exception, which cancels a hit anywhere near it, an allowed phrase
	// cancels only a hit that lies inside one of its occurrences.
	Allow []string `yaml:"allow"`
	// ShortLatinGuard cancels fuzzy hits made only of one- and two-letter
	// Latin words ("ya", "ca": what ASR emits for noise); nil means on,
	// except for private-goods rules, where "v" and "q" are the evasion.
	ShortLatinGuard *bool `yaml:"short_latin_guard"`
	// Romanized reads Latin words as Chinese for this rule's Chinese
	// patterns in any segment (typed pinyin, initials such as "bj",
	// mixed forms such as "weix"), not only in Chinese ones: for captions
	// and titles typed in pinyin.
	Romanized bool `yaml:"romanized"`
	// Typed matches this rule's Latin words through typed evasions:
	// stretched letters ("freeee"), noise between letters ("c.u.r.e",
	// "c-u-r-e", "f r e e"). Rare in speech, common in captions.
	Typed    bool   `yaml:"typed"`
	Reminder string `yaml:"reminder"`
	Policy   string `yaml:"policy"`
	Cooldown string `yaml:"cooldown"`
	// CooldownDuration is Cooldown parsed by validation (0 when unset).
	CooldownDuration time.Duration `yaml:"-"`
}

// Pattern is a phrase or a digit-run pattern. In YAML a plain string is a
// phrase with default options.
type Pattern struct {
	Phrase string `yaml:"phrase"`
	// Slop is the number of tokens allowed between consecutive phrase
	// tokens; nil means the language default (0 zh, 1 en).
	Slop *int `yaml:"slop"`
	// Fuzzy enables pinyin/phonetic matching; nil means true.
	Fuzzy *bool `yaml:"fuzzy"`
	// Digits > 0 makes this a digit-run pattern of at least Digits digits.
	Digits int `yaml:"digits"`
	// Contact makes this a contact-handle pattern: "email" (john at gmail
	// dot com, 艾特), "url" (w w w dot shop dot com, 点 com) or "handle"
	// (an account id read letter by letter), written or spoken.
	Contact string `yaml:"contact"`
	// NotFollowedBy and NotPrecededBy cancel a hit when one of these
	// phrases is directly adjacent to it (最 not in 最近, 第一 not in 第一次).
	NotFollowedBy []string `yaml:"not_followed_by"`
	NotPrecededBy []string `yaml:"not_preceded_by"`
	// NotInside cancels a hit that overlaps one of these phrases (上车 is
	// not off-platform trading inside 上小黄车).
	NotInside []string `yaml:"not_inside"`
	// unknown lists keys the YAML had that Pattern does not know.
	unknown []string
}

// Exception is a phrase that cancels a rule's hit when it matches within
// Window tokens of it. Exceptions match exactly by default (characters,
// words and English stems; no pinyin, no phonetic, no slop): a sound-alike
// exception would cancel real violations (谨防 heard in 进房).
type Exception struct {
	Phrase string `yaml:"phrase"`
	// Window is the number of tokens before the hit start or after its
	// end searched for the exception; nil means DefaultWindow.
	Window *int `yaml:"window"`
	// Fuzzy enables a pattern's sound-alike matching (pinyin homophones,
	// letters read as syllables, typed pinyin); nil means false.
	Fuzzy *bool `yaml:"fuzzy"`
	// Slop is the number of tokens allowed between consecutive exception
	// tokens; nil means 0.
	Slop *int `yaml:"slop"`
	// unknown: see Pattern.
	unknown []string
}

// Defaults and limits of the format.
const (
	DefaultWindow = 6
	MaxSlop       = 10
	MaxWindow     = 50
	MinDigits     = 3
	MaxDigits     = 30
	MaxIDLen      = 64
)

// String returns the pattern as written in the lexicon.
func (p Pattern) String() string {
	if p.Digits > 0 {
		return fmt.Sprintf("digits: %d", p.Digits)
	}
	if p.Contact != "" {
		return "contact: " + p.Contact
	}
	return p.Phrase
}

// UnmarshalYAML accepts a plain string or a mapping. A custom unmarshaler
// does not inherit yaml.v3's KnownFields, and returning a type error would
// drop the element, so unknown keys are kept for validation to report with
// their field path.
func (p *Pattern) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&p.Phrase)
	}
	type plain Pattern
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*p = Pattern(v)
	p.unknown = unknownKeys(n, "phrase", "slop", "fuzzy", "digits", "contact",
		"not_followed_by", "not_preceded_by", "not_inside")
	return nil
}

// UnmarshalYAML accepts a plain string or a mapping (see Pattern).
func (x *Exception) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		return n.Decode(&x.Phrase)
	}
	type plain Exception
	var v plain
	if err := n.Decode(&v); err != nil {
		return err
	}
	*x = Exception(v)
	x.unknown = unknownKeys(n, "phrase", "window", "fuzzy", "slop")
	return nil
}

// unknownKeys returns "key (line N)" for each key of mapping n outside
// allowed.
func unknownKeys(n *yaml.Node, allowed ...string) []string {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	var out []string
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		ok := false
		for _, a := range allowed {
			ok = ok || k.Value == a
		}
		if !ok {
			out = append(out, fmt.Sprintf("%s\x00%d", k.Value, k.Line))
		}
	}
	return out
}
