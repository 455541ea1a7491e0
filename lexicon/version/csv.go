package version

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/earshot/earshot/lexicon"
)

// CSV columns, in this order when the file has no header row. allow is
// optional: phrases separated by "|" inside which the row's phrase is
// allowed (the rule's allow list); a row with an allow value and no phrase
// adds to the lexicon-level allow list (a 白名单 file).
var csvColumns = []string{"phrase", "category", "severity", "language", "reminder", "allow"}

// maxCSVRows bounds an import.
const maxCSVRows = 200_000

type csvRow struct {
	line                                         int
	phrase, category, severity, language, remind string
	allow                                        []string
}

// yamlRule is the subset of the lexicon format an import writes, with
// omitempty so the output reads like a hand-written file.
type yamlRule struct {
	ID        string   `yaml:"id"`
	Category  string   `yaml:"category"`
	Severity  string   `yaml:"severity"`
	Languages []string `yaml:"languages,omitempty"`
	Patterns  []string `yaml:"patterns"`
	Allow     []string `yaml:"allow,omitempty"`
	Reminder  string   `yaml:"reminder"`
}

type yamlLexicon struct {
	Format      int        `yaml:"format"`
	Name        string     `yaml:"name"`
	Description string     `yaml:"description,omitempty"`
	Allow       []string   `yaml:"allow,omitempty"`
	Rules       []yamlRule `yaml:"rules"`
}

// ImportCSV turns a word list (phrase, category, severity, language,
// reminder, allow; a header row naming the columns is optional) into
// lexicon YAML.
// Rows sharing category, severity, language and reminder become one rule
// with one pattern per row. The result is validated; errors name the CSV
// line.
func ImportCSV(file, name string, r io.Reader) ([]byte, error) {
	rows, err := readCSV(file, r)
	if err != nil {
		return nil, err
	}
	lx := yamlLexicon{Format: lexicon.CurrentFormat, Name: name, Description: "imported from " + file}
	lines := map[string][]int{} // rule id -> CSV line of each pattern
	index := map[string]int{}
	for _, row := range rows {
		if row.phrase == "" {
			lx.Allow = appendNew(lx.Allow, row.allow...)
			continue
		}
		key := strings.Join([]string{row.category, row.severity, row.language, row.remind}, "\x00")
		i, ok := index[key]
		if !ok {
			i = len(lx.Rules)
			index[key] = i
			r := yamlRule{ID: ruleID(row, i+1), Category: row.category, Severity: row.severity, Reminder: row.remind}
			if row.language != "" {
				r.Languages = []string{row.language}
			}
			lx.Rules = append(lx.Rules, r)
		}
		lx.Rules[i].Patterns = append(lx.Rules[i].Patterns, row.phrase)
		lx.Rules[i].Allow = appendNew(lx.Rules[i].Allow, row.allow...)
		lines[lx.Rules[i].ID] = append(lines[lx.Rules[i].ID], row.line)
	}
	out, err := yaml.Marshal(lx)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if _, err := lexicon.Parse(file, out); err != nil {
		return nil, withCSVLines(err, lines)
	}
	return out, nil
}

// appendNew appends the values of vs not yet in list.
func appendNew(list []string, vs ...string) []string {
	for _, v := range vs {
		if !slices.Contains(list, v) {
			list = append(list, v)
		}
	}
	return list
}

var reSlug = regexp.MustCompile(`[^a-z0-9]+`)

func ruleID(row csvRow, n int) string {
	slug := strings.Trim(reSlug.ReplaceAllString(strings.ToLower(row.category), "-"), "-")
	if slug == "" {
		slug = "rule"
	}
	if len(slug) > 40 {
		slug = slug[:40]
	}
	lang := reSlug.ReplaceAllString(strings.ToLower(row.language), "")
	if lang == "" {
		lang = "any"
	}
	return fmt.Sprintf("csv-%s-%.8s-%d", slug, lang, n)
}

func readCSV(file string, r io.Reader) ([]csvRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	col := map[string]int{}
	for i, c := range csvColumns {
		col[c] = i
	}
	var rows []csvRow
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		line, _ := cr.FieldPos(0)
		if n == 0 && isHeader(rec) {
			if col, err = headerColumns(file, rec); err != nil {
				return nil, err
			}
			continue
		}
		if len(rows) >= maxCSVRows {
			return nil, fmt.Errorf("%s: more than %d rows", file, maxCSVRows)
		}
		row, err := parseRow(file, line, rec, col)
		if err != nil {
			return nil, err
		}
		if row.phrase != "" || len(row.allow) > 0 {
			rows = append(rows, row)
		}
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no rows (columns: %s)", file, strings.Join(csvColumns, ", "))
	}
	return rows, nil
}

// isHeader reports whether rec names columns: it has a phrase column, or
// it is the header of a bare allow list (allow, whitelist or 白名单, and
// only known column names), the way other filters export a 白名单.
func isHeader(rec []string) bool {
	allow, known := false, true
	for _, f := range rec {
		switch name := columnName(f); {
		case name == "phrase":
			return true
		case name == "allow":
			allow = true
		case name != "" && !slices.Contains(csvColumns, name):
			known = false
		}
	}
	return allow && known
}

// columnName is a header field's column: lower case, with the other
// names files use for a column.
func columnName(f string) string {
	name := strings.ToLower(strings.TrimSpace(f))
	switch name {
	case "languages", "lang":
		return "language"
	case "whitelist", "白名单":
		return "allow"
	}
	return name
}

func headerColumns(file string, rec []string) (map[string]int, error) {
	col := map[string]int{}
	for i, f := range rec {
		col[columnName(f)] = i
	}
	if _, ok := col["phrase"]; !ok {
		// A bare allow list: every row is allowed phrases, no rule.
		return col, nil
	}
	for _, need := range []string{"phrase", "category", "severity", "reminder"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s: line 1: header has no %q column (columns: %s)", file, need, strings.Join(csvColumns, ", "))
		}
	}
	return col, nil
}

func parseRow(file string, line int, rec []string, col map[string]int) (csvRow, error) {
	get := func(name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	row := csvRow{line: line, phrase: get("phrase"), category: get("category"), severity: get("severity"),
		language: strings.ToLower(get("language")), remind: get("reminder")}
	for _, a := range strings.Split(get("allow"), "|") {
		if a = strings.TrimSpace(a); a != "" {
			row.allow = append(row.allow, a)
		}
	}
	if row.phrase == "" {
		return row, nil
	}
	for _, f := range []struct{ name, v string }{{"category", row.category}, {"severity", row.severity}, {"reminder", row.remind}} {
		if f.v == "" {
			return row, fmt.Errorf("%s: line %d: column %q is empty", file, line, f.name)
		}
	}
	return row, nil
}

var rePatternIdx = regexp.MustCompile(`^patterns\[(\d+)\]`)

// withCSVLines adds the CSV line to each error about a pattern.
func withCSVLines(err error, lines map[string][]int) error {
	var ves lexicon.ValidationErrors
	if !errors.As(err, &ves) {
		return err
	}
	for i, e := range ves {
		if m := rePatternIdx.FindStringSubmatch(e.Field); m != nil {
			k, _ := strconv.Atoi(m[1])
			if ls := lines[e.RuleID]; k < len(ls) {
				ves[i].Msg += fmt.Sprintf(" (CSV line %d)", ls[k])
			}
		} else if ls := lines[e.RuleID]; len(ls) > 0 {
			ves[i].Msg += fmt.Sprintf(" (CSV line %d)", ls[0])
		}
	}
	return &InvalidError{Errs: ves}
}
