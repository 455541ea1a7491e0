package store

import (
	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names in the index. The utterance text is indexed three times:
// English (stemmed), Chinese (cjk bigrams) and pinyin. Each is its own
// document path because bleve picks a query's analyzer by path.
const (
	fText       = "text"
	fTextZh     = "text_zh"
	fPinyin     = "pinyin"
	fRoom       = "room"
	fAnchor     = "anchor"
	fMerchant   = "merchant"
	fSession    = "session"
	fCategory   = "category"
	fRule       = "rule"
	fSeverity   = "severity"
	fRecognizer = "recognizer"
	fLang       = "lang"
	fAt         = "at"
	fStartMs    = "start_ms"
	fEndMs      = "end_ms"
	fRaw        = "raw"
)

// keywordFields are exact-match fields (filters, facets).
var keywordFields = []string{fRoom, fAnchor, fMerchant, fSession, fCategory, fRule,
	fSeverity, fRecognizer, fLang}

// doc is what is indexed for one Record.
type doc struct {
	Text       string   `json:"text"`
	TextZh     string   `json:"text_zh"`
	Pinyin     string   `json:"pinyin"`
	Room       string   `json:"room"`
	Anchor     string   `json:"anchor,omitempty"`
	Merchant   string   `json:"merchant,omitempty"`
	Session    string   `json:"session"`
	Category   []string `json:"category,omitempty"`
	Rule       []string `json:"rule,omitempty"`
	Severity   []string `json:"severity,omitempty"`
	Recognizer string   `json:"recognizer,omitempty"`
	Lang       string   `json:"lang,omitempty"`
	At         string   `json:"at"`
	StartMs    float64  `json:"start_ms"`
	EndMs      float64  `json:"end_ms"`
	Raw        string   `json:"raw"`
}

func newMapping() mapping.IndexMapping {
	dm := bleve.NewDocumentStaticMapping()
	textField := func(name, analyzer string) *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Name, f.Analyzer = name, analyzer
		// Locations feed highlighting; the text itself is not stored
		// twice: highlights cut it from the stored raw record.
		f.Store, f.IncludeTermVectors, f.IncludeInAll = false, true, false
		return f
	}
	dm.AddFieldMappingsAt(fText, textField(fText, en.AnalyzerName))
	dm.AddFieldMappingsAt(fTextZh, textField(fTextZh, cjk.AnalyzerName))
	dm.AddFieldMappingsAt(fPinyin, textField(fPinyin, pinyinAnalyzerName))
	for _, name := range keywordFields {
		f := bleve.NewKeywordFieldMapping()
		f.Store, f.IncludeTermVectors, f.IncludeInAll = false, false, false
		f.DocValues = true // facets and sorting
		dm.AddFieldMappingsAt(name, f)
	}
	at := bleve.NewDateTimeFieldMapping()
	at.Store, at.IncludeInAll, at.DocValues = false, false, true
	dm.AddFieldMappingsAt(fAt, at)
	for _, name := range []string{fStartMs, fEndMs} {
		n := bleve.NewNumericFieldMapping()
		n.Store, n.IncludeInAll = false, false
		dm.AddFieldMappingsAt(name, n)
	}
	raw := bleve.NewTextFieldMapping()
	raw.Analyzer, raw.Index, raw.Store, raw.IncludeInAll = keyword.Name, false, true, false
	raw.IncludeTermVectors, raw.DocValues = false, false
	dm.AddFieldMappingsAt(fRaw, raw)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultField = fText
	im.DefaultAnalyzer = en.AnalyzerName
	im.StoreDynamic, im.IndexDynamic, im.DocValuesDynamic = false, false, false
	return im
}
