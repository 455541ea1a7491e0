package lexicon

import (
	"fmt"
	"strings"
)

// ValidationError is one problem found in a lexicon file. Index is the
// 1-based position of the rule in the file, 0 for file-level fields.
type ValidationError struct {
	File   string
	RuleID string
	Index  int
	Field  string
	Msg    string
}

// Error formats as `default.yaml: rule "x" (#3): patterns[1].slop: must be ...`
// so the policy team can find the line to fix without reading code.
func (e ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	b.WriteString(": ")
	switch {
	case e.RuleID != "":
		fmt.Fprintf(&b, "rule %q (#%d): ", e.RuleID, e.Index)
	case e.Index > 0:
		fmt.Fprintf(&b, "rule #%d: ", e.Index)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// ValidationErrors is every problem in a file: Parse reports all of them at
// once so one edit-check cycle fixes them all.
type ValidationErrors []ValidationError

// Error joins the errors one per line.
func (es ValidationErrors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// collector accumulates errors for one rule while validating.
type collector struct {
	file string
	errs ValidationErrors
	sets map[string][]string // the lexicon's, for the phrases that name them
}

// phrase says why phrase s (each phrase its sets expand it to) cannot be
// matched, or "".
func (c *collector) phrase(s string, wildcards bool) string {
	return checkPhrase(s, c.sets, func(x string) string { return phraseProblem(x, wildcards) })
}

func (c *collector) add(ruleID string, index int, field, format string, args ...any) {
	c.errs = append(c.errs, ValidationError{
		File: c.file, RuleID: ruleID, Index: index, Field: field,
		Msg: fmt.Sprintf(format, args...),
	})
}
