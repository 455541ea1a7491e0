package lexicon

import (
	"testing"

	"github.com/earshot/earshot/analysis"
)

// markFilterAgrees checks matchContacts' two prefilters on text: where
// mayMark or anyMark says no mark, the full readers find no address.
func markFilterAgrees(t *testing.T, text string) {
	t.Helper()
	toks := analysis.Tokenize(text)
	view, _ := contactView(toks)
	found := len(emails(text, view)) > 0 || len(urls(text, view)) > 0
	if found && !anyMark(text, view) {
		t.Fatalf("%q: an address, but anyMark saw no mark", text)
	}
	if anyMark(text, view) && !mayMark(text, toks) {
		t.Fatalf("%q: a mark in the view, but mayMark said none", text)
	}
}

// TestMarkFiltersLossless: over the regression sentences and addresses
// written and spoken every way the contact tests know, the prefilters
// never hide an address.
func TestMarkFiltersLossless(t *testing.T) {
	texts := append(regressionTexts(t),
		"john at gmail dot com", "lily.shop@qq.com", "mia at hotmail dotcom", "lilyshop d o t com",
		"lily at gmail dot c o m", "幺三八 艾特 qq 点 com", "艾特 一六三 点 com", "lily 爱特 163 点 com",
		"lily 圈a 163 点 com", "www dot miastore", "w w w dot mia store dot com", "lily＠qq．com",
		"lily＠qq。com", "shop . com", "mia at g mail")
	for _, s := range texts {
		markFilterAgrees(t, s)
	}
}

func FuzzMarkFilters(f *testing.F) {
	for _, s := range []string{"john at gmail dot com", "d o t com", "lily＠qq．com", "点 康姆", "圈a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 512 {
			return
		}
		markFilterAgrees(t, text)
	})
}
