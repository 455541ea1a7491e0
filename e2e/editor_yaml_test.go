package e2e

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
)

// formRule is the editor form's model of a rule (web/static/editor-form.js).
type formRule struct {
	ID              string        `json:"id"`
	Category        string        `json:"category"`
	Severity        string        `json:"severity"`
	Languages       []string      `json:"languages"`
	Description     string        `json:"description"`
	Reminder        string        `json:"reminder"`
	Policy          string        `json:"policy"`
	Cooldown        string        `json:"cooldown"`
	ShortLatinGuard *bool         `json:"short_latin_guard"`
	Romanized       bool          `json:"romanized"`
	Typed           bool          `json:"typed"`
	Allow           []string      `json:"allow"`
	Patterns        []formPattern `json:"patterns"`
	Exceptions      []formExcept  `json:"exceptions"`
}

type formPattern struct {
	Kind          string   `json:"kind"`
	Phrase        string   `json:"phrase"`
	Digits        int      `json:"digits,omitempty"`
	Contact       string   `json:"contact"`
	Slop          *int     `json:"slop"`
	Fuzzy         *bool    `json:"fuzzy"`
	NotFollowedBy []string `json:"not_followed_by"`
	NotPrecededBy []string `json:"not_preceded_by"`
	NotInside     []string `json:"not_inside"`
}

type formExcept struct {
	Phrase string `json:"phrase"`
	Window *int   `json:"window"`
	Slop   *int   `json:"slop"`
	Fuzzy  *bool  `json:"fuzzy"`
}

type yamlCase struct {
	Name  string    `json:"name"`
	YAML  string    `json:"yaml"`
	Op    string    `json:"op"`
	ID    string    `json:"id,omitempty"`
	Rule  *formRule `json:"rule,omitempty"`
	Allow []string  `json:"allow,omitempty"`
	// check looks at the parsed result and the text.
	check func(t *testing.T, lx *lexicon.Lexicon, text string)
	// wantError: the edit must refuse, with this message.
	wantError string
}

func ptr[T any](v T) *T { return &v }

// TestEditorYAMLEdits: the editor's form edits (editor-yaml.js, run by
// node exactly as the page runs it) write YAML the server's parser reads
// back field for field, keep the rest of the file as written (comments,
// order, other sections), and handle the layouts people write.
func TestEditorYAMLEdits(t *testing.T) {
	node := testutil.NeedTool(t, "node")
	const file = `format: 1
name: edits
# the lexicon's own allow list
allow:
  - best before
  - top notch
rules:
  # price rules
  - id: a
    category: price-fraud
    severity: medium
    patterns: ["lowest price"]
    reminder: old a

  # medical rules
  - id: "b.two"
    category: medical-claim
    severity: high
    patterns: [cures]
    reminder: b
escalation:
  window: 10m
  staff: 3
`
	every := &formRule{ID: "c", Category: "private-goods", Severity: "critical", Languages: []string{"zh", "en"},
		Description: `a "quoted": description # not a comment`, Reminder: "请勿引导私下交易：谢谢\nline two \\ back",
		Policy: "广告法 §9", Cooldown: "45s", ShortLatinGuard: ptr(false), Romanized: true, Typed: true,
		Allow: []string{"加微信公众号", "it's: fine"},
		Patterns: []formPattern{
			{Kind: "phrase", Phrase: "加微信", Slop: ptr(2), Fuzzy: ptr(false), NotFollowedBy: []string{"公众号"}, NotPrecededBy: []string{"不要"}, NotInside: []string{"加微信群聊"}},
			{Kind: "phrase", Phrase: "add me"},
			{Kind: "digits", Digits: 7},
			{Kind: "contact", Contact: "email"},
		},
		Exceptions: []formExcept{{Phrase: "不要加微信", Window: ptr(3), Slop: ptr(1), Fuzzy: ptr(true)}, {Phrase: "official account"}},
	}
	simple := func(id string) *formRule {
		return &formRule{ID: id, Category: "absolute-claim", Severity: "low", Reminder: "r " + id,
			Patterns: []formPattern{{Kind: "phrase", Phrase: "the best " + id}}}
	}
	ids := func(lx *lexicon.Lexicon) []string {
		var out []string
		for _, r := range lx.Rules {
			out = append(out, r.ID)
		}
		return out
	}
	keeps := func(t *testing.T, text string, parts ...string) {
		t.Helper()
		for _, p := range parts {
			if !strings.Contains(text, p) {
				t.Errorf("the edit dropped %q:\n%s", p, text)
			}
		}
	}
	cases := []yamlCase{
		{Name: "every field round-trips", YAML: file, Op: "replace", ID: "", Rule: every, check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
			r := lx.Rules[2]
			want := lexicon.Rule{ID: "c", Category: "private-goods", Severity: "critical", Languages: []string{"zh", "en"},
				Description: every.Description, Reminder: every.Reminder, Policy: every.Policy, Cooldown: "45s",
				CooldownDuration: 45 * time.Second, ShortLatinGuard: ptr(false), Romanized: true, Typed: true, Allow: every.Allow,
				Patterns: []lexicon.Pattern{
					{Phrase: "加微信", Slop: ptr(2), Fuzzy: ptr(false), NotFollowedBy: []string{"公众号"}, NotPrecededBy: []string{"不要"}, NotInside: []string{"加微信群聊"}},
					{Phrase: "add me"}, {Digits: 7}, {Contact: "email"}},
				Exceptions: []lexicon.Exception{{Phrase: "不要加微信", Window: ptr(3), Slop: ptr(1), Fuzzy: ptr(true)}, {Phrase: "official account"}},
			}
			got, _ := json.Marshal(r)
			exp, _ := json.Marshal(want)
			if !bytes.Equal(got, exp) {
				t.Errorf("rule read back\n got %s\nwant %s", got, exp)
			}
			if !slices.Equal(ids(lx), []string{"a", "b.two", "c"}) || lx.Escalation == nil || *lx.Escalation.Staff != 3 {
				t.Errorf("rules %v, escalation %+v: the new rule must go at the end of the rules, before escalation:", ids(lx), lx.Escalation)
			}
			keeps(t, text, "# the lexicon's own allow list", "# price rules", "# medical rules", "escalation:\n  window: 10m")
		}},
		{Name: "edit in place keeps comments and neighbours", YAML: file, Op: "replace", ID: "a", Rule: simple("a"), check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
			if !slices.Equal(ids(lx), []string{"a", "b.two"}) || lx.Rules[0].Reminder != "r a" || lx.Rules[1].Reminder != "b" {
				t.Errorf("rules %v: %+v", ids(lx), lx.Rules)
			}
			keeps(t, text, "# price rules", "\n\n  # medical rules\n  - id: \"b.two\"")
		}},
		{Name: "a renamed quoted id keeps its place", YAML: file, Op: "replace", ID: "b.two", Rule: simple("b.three"), check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
			if !slices.Equal(ids(lx), []string{"a", "b.three"}) {
				t.Errorf("rules %v", ids(lx))
			}
		}},
		{Name: "remove a rule", YAML: file, Op: "remove", ID: "a", check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
			if !slices.Equal(ids(lx), []string{"b.two"}) {
				t.Errorf("rules %v", ids(lx))
			}
			keeps(t, text, "# price rules", "# medical rules")
		}},
		{Name: "rules at column 0", YAML: "format: 1\nrules:\n- id: a\n  category: price-fraud\n  severity: low\n  patterns: [x y]\n  reminder: r\n", Op: "replace", Rule: simple("z"),
			check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
				if !slices.Equal(ids(lx), []string{"a", "z"}) {
					t.Errorf("rules %v", ids(lx))
				}
			}},
		{Name: "an empty rules list", YAML: "format: 1\nname: e\nrules: []\n", Op: "replace", Rule: simple("first"), check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
			if !slices.Equal(ids(lx), []string{"first"}) {
				t.Errorf("rules %v", ids(lx))
			}
		}},
		{Name: "lexicon allow replaces a block list", YAML: file, Op: "allow", Allow: []string{"best before", "保质期"}, check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
			if !slices.Equal(lx.Allow, []string{"best before", "保质期"}) || strings.Contains(text, "top notch") {
				t.Errorf("allow %v:\n%s", lx.Allow, text)
			}
			keeps(t, text, "# the lexicon's own allow list", "rules:\n  # price rules")
		}},
		{Name: "an empty lexicon allow list is removed", YAML: file, Op: "allow", Allow: []string{}, check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
			if len(lx.Allow) != 0 || strings.Contains(text, "allow:") {
				t.Errorf("allow %v:\n%s", lx.Allow, text)
			}
		}},
		{Name: "a lexicon allow list is added before rules", YAML: "format: 1\nrules:\n  - {id: a, category: price-fraud, severity: low, patterns: [x], reminder: r}\n", Op: "allow", Allow: []string{"x ray"},
			check: func(t *testing.T, lx *lexicon.Lexicon, text string) {
				if !slices.Equal(lx.Allow, []string{"x ray"}) || len(lx.Rules) != 1 {
					t.Errorf("allow %v rules %d", lx.Allow, len(lx.Rules))
				}
			}},
		// A rule written in flow style cannot be rewritten in place: the
		// editor says so rather than append a second rule of that id.
		{Name: "a flow-style rule is refused", YAML: "format: 1\nrules:\n  - {id: a, category: price-fraud, severity: low, patterns: [x], reminder: r}\n",
			Op: "replace", ID: "a", Rule: simple("a"), wantError: "not-a-block"},
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "editor-yaml.mjs")
	cmd.Dir = "browser"
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node editor-yaml.mjs: %v\n%s", err, stderr.String())
	}
	var res []struct{ Name, YAML, Error string }
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(cases) {
		t.Fatalf("node answered %d results (%v): %s", len(res), err, out)
	}
	for i, c := range cases {
		t.Run(c.Name, func(t *testing.T) {
			if res[i].Error != c.wantError {
				t.Fatalf("edit error %q, want %q", res[i].Error, c.wantError)
			}
			if c.wantError != "" {
				return
			}
			lx, err := lexicon.Parse("edited.yaml", []byte(res[i].YAML))
			if err != nil {
				t.Fatalf("the edited YAML does not parse: %v\n%s", err, res[i].YAML)
			}
			c.check(t, lx, res[i].YAML)
		})
	}
}
