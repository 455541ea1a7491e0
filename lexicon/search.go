package lexicon

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/mapping"
)

// RuleRef is one rule found by SearchRules.
type RuleRef struct {
	ID       string  `json:"id"`
	Category string  `json:"category"`
	Severity string  `json:"severity"`
	Score    float64 `json:"score"`
}

// ruleDoc is how a rule is indexed for the policy team's searches.
type ruleDoc struct {
	ID          string `json:"id"`
	Category    string `json:"category"`
	Severity    string `json:"severity"`
	Languages   string `json:"languages"`
	Patterns    string `json:"patterns"`
	Exceptions  string `json:"exceptions"`
	Reminder    string `json:"reminder"`
	Description string `json:"description"`
}

// SearchRules runs a bleve query-string query ("category:private-goods
// 微信", "+severity:high cure") over rule id, category, severity,
// patterns, exceptions, reminder and description. Text fields use the CJK
// analyzer so Chinese patterns are searchable by bigram.
func (e *Engine) SearchRules(query string, size int) ([]RuleRef, error) {
	idx, err := e.ruleIndex()
	if err != nil {
		return nil, err
	}
	if size <= 0 {
		size = 10
	}
	req := bleve.NewSearchRequestOptions(bleve.NewQueryStringQuery(query), size, 0, false)
	req.Fields = []string{"category", "severity"}
	res, err := idx.Search(req)
	if err != nil {
		return nil, fmt.Errorf("lexicon: search rules: %w", err)
	}
	refs := make([]RuleRef, 0, len(res.Hits))
	for _, h := range res.Hits {
		r := e.lx.Rules[mustIndex(h.ID)]
		refs = append(refs, RuleRef{ID: r.ID, Category: r.Category, Severity: r.Severity, Score: h.Score})
	}
	return refs, nil
}

func mustIndex(docID string) int {
	i, _ := strconv.Atoi(docID)
	return i
}

// ruleIndex builds the in-memory bleve index once per Engine.
func (e *Engine) ruleIndex() (bleve.Index, error) {
	e.searchOnce.Do(func() {
		e.searchIdx, e.searchErr = newRuleIndex(e.lx)
	})
	return e.searchIdx, e.searchErr
}

func newRuleIndex(lx *Lexicon) (bleve.Index, error) {
	idx, err := bleve.NewMemOnly(ruleMapping())
	if err != nil {
		return nil, fmt.Errorf("lexicon: rule index: %w", err)
	}
	b := idx.NewBatch()
	for i, r := range lx.Rules {
		if err := b.Index(strconv.Itoa(i), docOf(r)); err != nil {
			return nil, fmt.Errorf("lexicon: index rule %q: %w", r.ID, err)
		}
	}
	if err := idx.Batch(b); err != nil {
		return nil, fmt.Errorf("lexicon: rule index: %w", err)
	}
	return idx, nil
}

func docOf(r Rule) ruleDoc {
	pats := make([]string, 0, len(r.Patterns))
	for _, p := range r.Patterns {
		pats = append(pats, p.String())
	}
	exs := make([]string, 0, len(r.Exceptions))
	for _, x := range r.Exceptions {
		exs = append(exs, x.Phrase)
	}
	return ruleDoc{ID: r.ID, Category: r.Category, Severity: r.Severity,
		Languages: strings.Join(r.Languages, " "), Patterns: strings.Join(pats, "\n"),
		Exceptions: strings.Join(exs, "\n"), Reminder: r.Reminder, Description: r.Description}
}

// ruleMapping: keyword fields for id/category/severity/languages, CJK
// analysis for the free text.
func ruleMapping() mapping.IndexMapping {
	kw := bleve.NewKeywordFieldMapping()
	txt := bleve.NewTextFieldMapping()
	txt.Analyzer = cjk.AnalyzerName
	dm := bleve.NewDocumentStaticMapping()
	for _, f := range []string{"id", "category", "severity", "languages"} {
		dm.AddFieldMappingsAt(f, kw)
	}
	for _, f := range []string{"patterns", "exceptions", "reminder", "description"} {
		dm.AddFieldMappingsAt(f, txt)
	}
	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = cjk.AnalyzerName
	return im
}
