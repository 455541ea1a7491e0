package lexicon

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"gopkg.in/yaml.v3"

	"github.com/earshot/earshot/lexicon/defaults"
)

// Parse decodes and validates a lexicon. file names the source in error
// messages only. On any problem it returns ValidationErrors listing all of
// them (YAML type errors included), never a partial lexicon.
func Parse(file string, data []byte) (lx *Lexicon, err error) {
	defer func() {
		// yaml.v3 has panicked on hostile input in the past; a bad file
		// must never take a worker down.
		if r := recover(); r != nil {
			lx, err = nil, ValidationErrors{{File: file, Msg: fmt.Sprintf("cannot parse: %v", r)}}
		}
	}()
	c := &collector{file: file}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		c.add("", 0, "", "invalid YAML: %v", err)
		return nil, c.errs
	}
	spans := ruleSpans(&root)
	esc := sectionLines(&root, "escalation")
	lx = &Lexicon{File: file}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(lx); err != nil && !errors.Is(err, io.EOF) {
		var te *yaml.TypeError
		if !errors.As(err, &te) {
			c.add("", 0, "", "invalid YAML: %v", err)
			return nil, c.errs
		}
		for _, msg := range te.Errors {
			addTypeError(c, spans, esc, msg)
		}
	}
	validate(lx, c)
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return lx, nil
}

// LoadFile reads and parses a lexicon file; errors name the file's base name.
func LoadFile(path string) (*Lexicon, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lexicon: %w", err)
	}
	return Parse(filepath.Base(path), data)
}

// Default parses the shipped default lexicon.
func Default() (*Lexicon, error) {
	lx, err := Parse("default.yaml", defaults.YAML())
	if err != nil {
		return nil, fmt.Errorf("lexicon: shipped default: %w", err)
	}
	return lx, nil
}

// ruleSpan locates one rule item in the YAML so type errors, which only
// carry a line number, can name their rule.
type ruleSpan struct {
	line int
	id   string
}

func ruleSpans(root *yaml.Node) []ruleSpan {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 {
		return nil
	}
	m := root.Content[0]
	if m.Kind != yaml.MappingNode {
		return nil
	}
	var spans []ruleSpan
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != "rules" || m.Content[i+1].Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range m.Content[i+1].Content {
			spans = append(spans, ruleSpan{line: item.Line, id: mappingValue(item, "id")})
		}
	}
	return spans
}

// sectionLines is the line range [from, to) of top-level key's value (to
// 0: the end of the file), or zeros when the key is absent.
func sectionLines(root *yaml.Node, key string) [2]int {
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return [2]int{}
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value != key {
			continue
		}
		out := [2]int{m.Content[i].Line, 0}
		if i+2 < len(m.Content) {
			out[1] = m.Content[i+2].Line
		}
		return out
	}
	return [2]int{}
}

func mappingValue(n *yaml.Node, key string) string {
	if n.Kind != yaml.MappingNode {
		return ""
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key && n.Content[i+1].Kind == yaml.ScalarNode {
			return n.Content[i+1].Value
		}
	}
	return ""
}

var (
	reTypeLine  = regexp.MustCompile(`^line (\d+): (.*)$`)
	reUnknownFd = regexp.MustCompile(`^field (\S+) not found in type`)
)

// addTypeError turns one yaml.v3 type error message into a ValidationError
// attributed to the rule whose span holds its line.
func addTypeError(c *collector, spans []ruleSpan, esc [2]int, msg string) {
	line, text := 0, msg
	if m := reTypeLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		text = m[2]
	}
	if esc[0] > 0 && line >= esc[0] && (esc[1] == 0 || line < esc[1]) {
		// the escalation section: a file-level field, whatever rule
		// precedes it in the file
		c.add("", 0, "escalation", "%s (line %d)", text, line)
		return
	}
	id, idx := "", 0
	for i, s := range spans {
		if line >= s.line {
			id, idx = s.id, i+1
		}
	}
	field := ""
	if m := reUnknownFd.FindStringSubmatch(text); m != nil {
		field, text = m[1], fmt.Sprintf("unknown field (line %d)", line)
	} else if line > 0 {
		text = fmt.Sprintf("%s (line %d)", text, line)
	}
	c.add(id, idx, field, "%s", text)
}
