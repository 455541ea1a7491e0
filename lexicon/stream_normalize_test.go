package lexicon

import (
	"reflect"
	"testing"

	"github.com/earshot/earshot/transcript"
)

// TestStreamNormalizesLikeMatch: the disguised letters normalization reads
// (look-alikes, small capitals, marks, parenthesized and regional letters)
// are decided inside a word, so a Stream, which re-reads only the tail of a
// growing partial, gives Match's hits for every partial.
func TestStreamNormalizesLikeMatch(t *testing.T) {
	e := testDefaultEngine(t)
	for _, text := range []string{"Everyone DM ΜΕ for the wholesale price", "ΜΕSSΑGΕ me on wеchаt", "DM ΜΕ",
		"宝宝们加ΜΕ微信", "加我ΖΑΡ微信", "add 🇼🇪🇨🇭🇦🇹 now", "ΜΕSSΑGΕ me on ᴡᴇᴄʜᴀᴛ", "wеchаt ΜΕ now",
		"Мы отправим заказ DM ΜΕ", "add me on ⒲⒠⒞⒣⒜⒯ now", "add me on w̶e̶c̶h̶a̶t̶ now", "Just WΗΑΤSΑΡΡ me"} {
		st := e.NewStream()
		for _, p := range partials(text) {
			h := transcript.Hypothesis{Text: p}
			if got, want := st.Match(h), e.Match(h); !reflect.DeepEqual(got, want) {
				t.Errorf("partial %q of %q:\n\tstream %v\n\tmatch  %v", p, text, brief(got), brief(want))
			}
		}
	}
}
