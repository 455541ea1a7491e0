package lexicon

import (
	"bufio"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"sync"
)

// Synthetic lexicons and segments for benchmarks (bench_test.go) and the
// index soundness test, generated from a fixed seed so runs compare.
const (
	benchHan = "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切"
	// benchWordsSmall is the English vocabulary of earlier rounds: with
	// 107 words, 10,000 random two- and three-word rules cover so many
	// word pairs that a 25-word segment holds hundreds of true hits,
	// which measures the hits, not the automaton. It stays as the
	// en-small rows of BenchmarkMatch.
	benchWordsSmall = "the a to and of you this it for on is in that my with we have your get now buy price today deal best one good great quality free shipping color size red blue small large order cart link click show see look here there love nice skin cream oil fresh food tea coffee box set gift sale off half new old brand store shop live room friend family people time day week month year"
)

// benchWordsEN returns the English benchmark vocabulary: the 1,090 words
// of the English regression sentences (testdata/bench-words-en.txt), so
// that rules and input have the spread of words of real speech. Read
// once: every rule set and segment set of a run draws from it.
var benchWordsEN = sync.OnceValue(func() []string {
	f, err := os.Open("testdata/bench-words-en.txt")
	if err != nil {
		panic(fmt.Sprintf("bench vocabulary: %v", err))
	}
	defer f.Close()
	var words []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			words = append(words, w)
		}
	}
	if err := sc.Err(); err != nil {
		panic(fmt.Sprintf("bench vocabulary: %v", err))
	}
	return words
})

// benchRules makes n one-phrase rules; literal rules are exact phrases
// (fuzzy: false, slop: 0), what an Aho-Corasick automaton matches.
func benchRules(n int, zh bool, seed int64, literal bool) *Lexicon {
	return benchRulesFrom(benchWordsEN(), n, zh, seed, literal)
}

// benchRulesFrom is benchRules with English phrases drawn from words.
func benchRulesFrom(words []string, n int, zh bool, seed int64, literal bool) *Lexicon {
	rng := rand.New(rand.NewSource(seed))
	han := []rune(benchHan)
	cats := categories
	lx := &Lexicon{Format: 1, Name: "bench"}
	for i := 0; i < n; i++ {
		var phrase string
		if zh {
			k := 2 + rng.Intn(3)
			b := make([]rune, k)
			for j := range b {
				b[j] = han[rng.Intn(len(han))]
			}
			phrase = string(b)
		} else {
			k := 2 + rng.Intn(2)
			ws := make([]string, k)
			for j := range ws {
				ws[j] = words[rng.Intn(len(words))]
			}
			phrase = strings.Join(ws, " ")
		}
		pat := Pattern{Phrase: phrase}
		if literal {
			no, zero := false, 0
			pat.Fuzzy, pat.Slop = &no, &zero
		}
		lx.Rules = append(lx.Rules, Rule{ID: fmt.Sprintf("r%d", i), Category: cats[i%len(cats)],
			Severity: "low", Patterns: []Pattern{pat}, Reminder: "r"})
	}
	return lx
}

func benchSegments(zh bool, seed int64) []string {
	return benchSegmentsFrom(benchWordsEN(), zh, seed)
}

// benchSegmentsFrom is benchSegments with English words drawn from words.
func benchSegmentsFrom(words []string, zh bool, seed int64) []string {
	rng := rand.New(rand.NewSource(seed))
	han := []rune(benchHan)
	segs := make([]string, 16)
	for i := range segs {
		if zh {
			b := make([]rune, 40)
			for j := range b {
				b[j] = han[rng.Intn(len(han))]
			}
			segs[i] = string(b) + "，加我威信，这个最好"
		} else {
			ws := make([]string, 25)
			for j := range ws {
				ws[j] = words[rng.Intn(len(words))]
			}
			segs[i] = strings.Join(ws, " ") + " add me on wechat it cures diabetes"
		}
	}
	return segs
}
