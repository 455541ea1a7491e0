package lexicon

import (
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	cfac "github.com/cloudflare/ahocorasick"
	coac "github.com/coregx/ahocorasick"
	pdac "github.com/petar-dambovaliev/aho-corasick"
	"gopkg.in/yaml.v3"

	"github.com/earshot/earshot/lexicon/phonetic"
	"github.com/earshot/earshot/transcript"
)

// BenchmarkMatch measures, side by side in one run, the engine against pure
// Aho-Corasick libraries on the same literal phrases and segments (16 per
// op), the engine's growth from 100 to 10,000 rules (on rule sets of which
// more occur in the input, and on ones whose 9,900 added rules are all
// absent from it, rules=10000-same-hits: the same true hits), the memory of a
// compiled lexicon, the shipped default lexicon per utterance, and partial
// hypotheses matched incrementally. scripts/bench.sh turns the output into
// the ratios of docs/benchmarks.md.
//
// engine is literal rules (fuzzy: false, slop: 0): exactly what the
// libraries match, with the engine's normalization (NFKC, width, case,
// OpenCC, numerals) on top; the libraries get strings.ToLower of the text.
// engine-fuzzy is the same phrases with the format's defaults (pinyin,
// stems, slop 1 for English), which find more than the libraries do.
// engine-append is engine through AppendMatchText into one reused slice,
// as a production caller that is done with each result before the next
// does (cluster/utt's index role): engine (MatchText, a new slice of Hits
// per segment) stays the row the goals are judged on.
func BenchmarkMatch(b *testing.B) {
	for _, lang := range []string{"zh", "en"} {
		zh := lang == "zh"
		segs := benchSegments(zh, 7)
		for _, n := range []int{100, 1000, 10000} {
			lit, fz := benchRules(n, zh, 42, true), benchRules(n, zh, 42, false)
			pats := literalPhrases(lit)
			name := fmt.Sprintf("%s/rules=%d/", lang, n)
			b.Run(name+"engine", func(b *testing.B) { benchEngine(b, lit, segs, false) })
			b.Run(name+"engine-append", func(b *testing.B) { benchEngine(b, lit, segs, true) })
			b.Run(name+"engine-fuzzy", func(b *testing.B) { benchEngine(b, fz, segs, false) })
			b.Run(name+"petar-dambovaliev", func(b *testing.B) { benchPetar(b, pats, segs) })
			b.Run(name+"cloudflare", func(b *testing.B) { benchCloudflare(b, pats, segs) })
			b.Run(name+"coregx", func(b *testing.B) { benchCoregx(b, pats, segs) })
			if n == 10000 {
				b.Run(name+"memory", func(b *testing.B) { benchMemory(b, lit) })
			}
		}
		// The second growth measure: the 100 rules above and 9,900 more
		// whose phrases the input does not contain, so the true hits stay
		// those of 100 rules while the automaton grows to 10,000.
		same := absentRules(b, zh, segs, 10000)
		pats := literalPhrases(same)
		name := lang + "/rules=10000-same-hits/"
		b.Run(name+"engine", func(b *testing.B) { benchEngine(b, same, segs, false) })
		b.Run(name+"petar-dambovaliev", func(b *testing.B) { benchPetar(b, pats, segs) })
		b.Run(name+"cloudflare", func(b *testing.B) { benchCloudflare(b, pats, segs) })
		b.Run(name+"coregx", func(b *testing.B) { benchCoregx(b, pats, segs) })
	}
	// The English vocabulary of earlier rounds (107 words), where most
	// of the growth is true hits: kept so the two inputs compare.
	small := strings.Fields(benchWordsSmall)
	segs := benchSegmentsFrom(small, false, 7)
	for _, n := range []int{100, 10000} {
		lit := benchRulesFrom(small, n, false, 42, true)
		pats := literalPhrases(lit)
		name := fmt.Sprintf("en-small/rules=%d/", n)
		b.Run(name+"engine", func(b *testing.B) { benchEngine(b, lit, segs, false) })
		b.Run(name+"coregx", func(b *testing.B) { benchCoregx(b, pats, segs) })
	}
	b.Run("default", benchDefault)
	b.Run("partials", benchPartials)
}

func totalBytes(segs []string) int64 {
	n := 0
	for _, s := range segs {
		n += len(s)
	}
	return int64(n)
}

func literalPhrases(lx *Lexicon) []string {
	var pats []string
	for _, r := range lx.Rules {
		for _, p := range r.Patterns {
			pats = append(pats, strings.ToLower(p.Phrase))
		}
	}
	return pats
}

// benchEngine matches segs with MatchText, or, with reuse, with
// AppendMatchText into one slice reused for every segment.
func benchEngine(b *testing.B, lx *Lexicon, segs []string, reuse bool) {
	e, err := Compile(lx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	hits := 0 // the true hits of one op: what grows with the rules besides the automaton
	for _, s := range segs {
		hits += len(e.MatchText(s))
	}
	b.SetBytes(totalBytes(segs))
	b.ReportAllocs()
	done := cpuMetric(b)
	var dst []Hit
	for b.Loop() {
		for _, s := range segs {
			if reuse {
				dst = e.AppendMatchText(dst[:0], s)
			} else {
				e.MatchText(s)
			}
		}
	}
	done()
	b.ReportMetric(float64(hits), "hits/op")
}

func benchPetar(b *testing.B, pats, segs []string) {
	builder := pdac.NewAhoCorasickBuilder(pdac.Opts{MatchKind: pdac.StandardMatch, DFA: true})
	m := builder.Build(pats)
	b.SetBytes(totalBytes(segs))
	b.ReportAllocs()
	done := cpuMetric(b)
	for b.Loop() {
		for _, s := range segs {
			_ = m.FindAll(strings.ToLower(s))
		}
	}
	done()
}

func benchCloudflare(b *testing.B, pats, segs []string) {
	m := cfac.NewStringMatcher(pats)
	b.SetBytes(totalBytes(segs))
	b.ReportAllocs()
	done := cpuMetric(b)
	for b.Loop() {
		for _, s := range segs {
			_ = m.MatchThreadSafe([]byte(strings.ToLower(s)))
		}
	}
	done()
}

func benchCoregx(b *testing.B, pats, segs []string) {
	m, err := coac.NewBuilder().AddStrings(pats).Build()
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(totalBytes(segs))
	b.ReportAllocs()
	done := cpuMetric(b)
	for b.Loop() {
		for _, s := range segs {
			_ = m.FindAllOverlapping([]byte(strings.ToLower(s)))
		}
	}
	done()
}

// absentRules returns the literal rules of benchRules(100) followed by
// n-100 more, drawn from the same characters or words with another seed,
// none of whose phrases occurs in segs: not in the lower-cased text the
// libraries read (a phrase drawn again is drawn anew), and not as the
// engine reads it (normalized: a rule the engine finds is drawn anew).
// The engine and the libraries then find in segs exactly what they find
// with the first 100 rules.
func absentRules(b *testing.B, zh bool, segs []string, n int) *Lexicon {
	lx := benchRules(100, zh, 42, true)
	var text []string
	for _, s := range segs {
		text = append(text, " "+strings.ToLower(s)+" ")
	}
	absent := func(p string) bool {
		if !zh {
			p = " " + p + " "
		}
		for _, t := range text {
			if strings.Contains(t, p) {
				return false
			}
		}
		return true
	}
	e0, err := Compile(lx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	want := 0
	for _, s := range segs {
		want += len(e0.MatchText(s))
	}
	extra := benchRules(4*n, zh, 43, true).Rules
	base := len(lx.Rules)
	for i := 0; ; i++ {
		for len(lx.Rules) < n {
			if len(extra) == 0 {
				b.Fatal("absentRules: ran out of phrases")
			}
			r := extra[0]
			extra = extra[1:]
			if absent(r.Patterns[0].Phrase) {
				r.ID = fmt.Sprintf("a%d", len(lx.Rules))
				lx.Rules = append(lx.Rules, r)
			}
		}
		e, err := Compile(lx, Options{})
		if err != nil {
			b.Fatal(err)
		}
		found := map[string]bool{}
		got := 0
		for _, s := range segs {
			for _, h := range e.MatchText(s) {
				got++
				found[h.RuleID] = true
			}
		}
		if got == want {
			return lx
		}
		if i == 10 {
			b.Fatalf("absentRules: %d hits with the added rules, %d without", got, want)
		}
		kept := lx.Rules[:base]
		for _, r := range lx.Rules[base:] {
			if !found[r.ID] {
				kept = append(kept, r)
			}
		}
		lx.Rules = kept
	}
}

// benchMemory reports the heap a compiled lexicon keeps (its automaton,
// key tables and one matching scratch), and how long compiling takes.
func benchMemory(b *testing.B, lx *Lexicon) {
	var heap float64
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		e, err := Compile(lx, Options{})
		if err != nil {
			b.Fatal(err)
		}
		e.MatchText("warm up the scratch")
		runtime.GC()
		runtime.ReadMemStats(&after)
		heap = float64(after.HeapAlloc) - float64(before.HeapAlloc)
		runtime.KeepAlive(e)
	}
	b.ReportMetric(heap/(1<<20), "MB/lexicon")
}

// benchDefault matches 20-word utterances (Chinese: 35 characters, about
// 20 words) built from the regression sentences against the shipped
// lexicon with everything on, phonetic matching included when the
// pronouncing dictionary is installed.
func benchDefault(b *testing.B) {
	lx, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	var opts Options
	if dict, err := phonetic.LoadDict("/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict"); err == nil {
		opts.Phonetic = phonetic.NewIndex(dict, phonetic.IndexOptions{})
	} else {
		b.Logf("no pronouncing dictionary (%v): phonetic matching off", err)
	}
	e, err := Compile(lx, opts)
	if err != nil {
		b.Fatal(err)
	}
	zh, en := utterances(b)
	// The clean sentences alone as well: speech with no violation in it,
	// most of what a stream says, where fewer phrases' gates open. The
	// goal is judged on the regression sentences, violations and traps
	// included; the clean rows have none.
	zhClean, enClean := utterancesOf(b, "defaults/testdata/cases/clean.yaml")
	for _, set := range []struct {
		name string
		utts []string
	}{{"zh", zh}, {"en", en}, {"zh-clean", zhClean}, {"en-clean", enClean}} {
		b.Run(set.name, func(b *testing.B) {
			done := cpuMetric(b)
			for b.Loop() {
				for _, u := range set.utts {
					e.MatchText(u)
				}
			}
			perUtt(b, done(), len(set.utts))
		})
	}
}

// utterances joins the regression sentences of each language into
// utterances of 20 words.
func utterances(b testing.TB) (zh, en []string) {
	return utterancesOf(b, "defaults/testdata/cases/*.yaml")
}

// utterancesOf is utterances from the case files glob names.
func utterancesOf(b testing.TB, glob string) (zh, en []string) {
	files, _ := filepath.Glob(glob)
	var zhText, enWords []string
	for _, f := range files {
		var cs []struct {
			Text string `yaml:"text"`
		}
		if err := yaml.Unmarshal(mustRead(b, f), &cs); err != nil {
			b.Fatal(err)
		}
		for _, c := range cs {
			if strings.IndexFunc(c.Text, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) >= 0 {
				zhText = append(zhText, c.Text)
			} else {
				enWords = append(enWords, strings.Fields(c.Text)...)
			}
		}
	}
	for i := 0; i+20 <= len(enWords); i += 20 {
		en = append(en, strings.Join(enWords[i:i+20], " "))
	}
	var cur strings.Builder
	for _, t := range zhText {
		cur.WriteString(t)
		cur.WriteString("，")
		if utf8.RuneCountInString(cur.String()) >= 35 {
			zh = append(zh, cur.String())
			cur.Reset()
		}
	}
	return zh, en
}

// benchPartials feeds each 20-word utterance as the partial hypotheses a
// streaming recognizer emits, one word longer each time, and the final:
// rescan matches every hypothesis from the start, stream carries what it
// can over from the previous partial (Stream).
func benchPartials(b *testing.B) {
	lx, err := Default()
	if err != nil {
		b.Fatal(err)
	}
	e, err := Compile(lx, Options{})
	if err != nil {
		b.Fatal(err)
	}
	_, en := utterances(b)
	var hyps [][]transcript.Hypothesis
	for _, u := range en {
		ws := strings.Fields(u)
		var hs []transcript.Hypothesis
		for i := 1; i <= len(ws); i++ {
			hs = append(hs, transcript.Hypothesis{Text: strings.Join(ws[:i], " "), Final: i == len(ws)})
		}
		hyps = append(hyps, hs)
	}
	b.Run("rescan", func(b *testing.B) {
		done := cpuMetric(b)
		for b.Loop() {
			for _, hs := range hyps {
				for _, h := range hs {
					e.Match(h)
				}
			}
		}
		perUtt(b, done(), len(hyps))
	})
	b.Run("stream", func(b *testing.B) {
		done := cpuMetric(b)
		for b.Loop() {
			for _, hs := range hyps {
				st := e.NewStream()
				for _, h := range hs {
					st.Match(h)
				}
			}
		}
		perUtt(b, done(), len(hyps))
	})
}

// perUtt reports wall-clock and CPU time per utterance, given the CPU
// time per op (cpuMetric) and the utterances of one op.
func perUtt(b *testing.B, cpu time.Duration, n int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n)/1e3, "µs/utterance")
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(n)/1e3, "cpu-µs/utterance")
}
