package lexicon

import (
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/blevesearch/bleve/v2"

	"github.com/earshot/earshot/analysis"
	"github.com/earshot/earshot/analysis/pinyin"
)

// Options tune compilation.
type Options struct {
	// Phonetic enables phone-sequence fuzzy matching of English patterns;
	// nil turns it off.
	Phonetic PhoneticMatcher
}

// Engine is a compiled lexicon. It is immutable after Compile and safe for
// concurrent use: a new lexicon version is a new Engine.
type Engine struct {
	lx          *Lexicon // sets expanded (sets.go)
	written     *Lexicon // as written, for Lexicon()
	py          *pinyin.Table
	rules       []*crule
	patterns    []*cpattern
	keyIDs      map[string]int32 // candidate key -> dense id
	kt          keyTables        // the keys by kind, for the hot path
	auto        *automaton
	noIndex     bool     // tests: every pattern is a candidate
	lit         bool     // ASCII text takes the literal path (literal.go)
	noLit       bool     // tests: never take it
	noReadings  bool     // tokens need no pinyin (readingsUnused)
	needSeen    bool     // something reads the keys a call saw (seenNeeded)
	litWords    litTab   // word -> what the literal path reads of it (literal.go)
	ruleRank    []int32  // rule index-1 -> rank by id (literal.go)
	litPats     []litPat // pattern id -> what the literal paths read of it
	litTmpl     []Hit    // pattern id -> its Hit on a literal path, but the span
	digitPats   []*cpattern
	contactPats []*cpattern
	maxPrefix   int     // longest wildcard prefix, 0 when none
	joins       bool    // some pattern has a joinable element (ven mo: venmo)
	romanized   bool    // some rule reads Latin as Chinese everywhere
	typed       *Engine // the Typed rules, over typed-evasion tokens (typed.go)
	phonetic    PhoneticMatcher
	phonIDs     []*cpattern // by pattern id: registered with the phone matcher
	nPhon       int
	gatedBy     [][]int32 // key id -> the phonGated patterns it opens
	phonOpen    []int32   // the phonetic patterns no gate closes
	phonByID    phoneticByID
	scratch     sync.Pool
	words       []atomic.Pointer[wordKey] // wordKeys' cache

	guardCache map[string][]elem // compile time only (compileGuards)

	searchOnce sync.Once
	searchIdx  bleve.Index
	searchErr  error
}

// Compile builds the matching structures for lx. The bleve rule index for
// SearchRules is built on first use so publishing a lexicon stays fast.
func Compile(lx *Lexicon, opts Options) (*Engine, error) {
	if lx == nil {
		return nil, fmt.Errorf("lexicon: compile: nil lexicon")
	}
	written := lx
	lx = lx.expandSets() // sets.go: one phrase per member of a {set}
	e := &Engine{lx: lx, written: written, py: pinyin.Default(), keyIDs: map[string]int32{},
		phonetic: opts.Phonetic}
	var allow []*cpattern
	for _, a := range lx.Allow {
		if ap := e.compileAllow(a, false); ap != nil {
			allow = append(allow, ap)
		}
	}
	for i := range lx.Rules {
		cr := e.compileRule(&lx.Rules[i], i+1)
		cr.allow = append(cr.allow, allow...)
		e.rules = append(e.rules, cr)
	}
	e.buildAutomaton()
	e.addPhonetic()
	e.buildKeyTables()
	if err := e.buildTyped(); err != nil {
		return nil, err
	}
	e.buildLiteral()
	e.noReadings = e.readingsUnused()
	e.needSeen = e.seenNeeded()
	e.dropCompileState()
	e.scratch.New = func() any { return e.newScratch() }
	e.words = make([]atomic.Pointer[wordKey], wordCacheSize)
	return e, nil
}

// readingsUnused reports whether no pattern, exception or allowed phrase
// matches by sound or reads letters as syllables, and no key is a
// syllable or an initial: then matching never reads a token's pinyin, and
// tokenizing skips it (analysis.Tokenizer.SkipReadings), a table lookup
// per character of Chinese.
func (e *Engine) readingsUnused() bool {
	if e.kt.readings || e.typed != nil && !e.typed.noReadings { // the twin reads our tokens
		return false
	}
	for _, p := range e.patterns {
		if !p.special() && p.fuzzy {
			return false
		}
	}
	for _, r := range e.rules {
		for _, x := range r.exceptions {
			if x.p.fuzzy {
				return false
			}
		}
		for _, a := range r.allow {
			if a.fuzzy {
				return false
			}
		}
	}
	return true
}

// seenNeeded reports whether matching reads the keys a call's tokens
// emitted (scratch.see): filtered patterns, exceptions' gates and the
// phonetic gates do. A lexicon with none of them skips the bookkeeping.
func (e *Engine) seenNeeded() bool {
	if e.phonetic != nil && e.nPhon > 0 || e.noIndex {
		return true
	}
	for _, p := range e.patterns {
		if p.filtered {
			return true
		}
	}
	for _, r := range e.rules {
		for _, x := range r.exceptions {
			if x.gate != nil {
				return true
			}
		}
	}
	return false
}

// Lexicon returns the lexicon the engine was compiled from.
func (e *Engine) Lexicon() *Lexicon { return e.written }

func (e *Engine) compileRule(r *Rule, index int) *crule {
	cr := &crule{rule: r, index: index, romanized: r.Romanized, shortLatin: r.Category != "private-goods"}
	if r.ShortLatinGuard != nil {
		cr.shortLatin = *r.ShortLatinGuard
	}
	e.romanized = e.romanized || r.Romanized
	onlyZh := len(r.Languages) == 1 && r.Languages[0] == "zh"
	for _, p := range r.withNumeralVariants() {
		cp := e.compilePattern(p.Pattern, r.Category, onlyZh)
		if cp == nil {
			continue
		}
		cp.src = p.src
		cp.id, cp.rule, cp.langs = len(e.patterns), cr, ruleLangs(r)
		cp.hitRules = newHitRules(r, cp.src)
		e.patterns = append(e.patterns, cp)
		cr.patterns = append(cr.patterns, cp)
		if cp.digits > 0 {
			e.digitPats = append(e.digitPats, cp)
		}
		if cp.contact != "" {
			e.contactPats = append(e.contactPats, cp)
		}
	}
	for _, x := range r.Exceptions {
		xp := e.compileException(x, onlyZh)
		if xp == nil {
			continue
		}
		w := DefaultWindow
		if x.Window != nil {
			w = *x.Window
		}
		cr.exceptions = append(cr.exceptions, cexception{p: xp, window: w, gate: e.gateKeys(xp)})
	}
	for _, a := range r.Allow {
		if ap := e.compileAllow(a, onlyZh); ap != nil {
			cr.allow = append(cr.allow, ap)
		}
	}
	return cr
}

// gateKeys are, for each element of an exact exception, keys one of
// which a token matching it emits (its character; its word or stem, as
// exceptions match stems). Every element must occur for the exception to
// match. nil for what may match across kinds (numerals, spelled letters,
// sound-alike exceptions): never gated.
func (e *Engine) gateKeys(xp *cpattern) [][]int32 {
	if xp.fuzzy {
		return nil
	}
	var out [][]int32
	for _, el := range xp.elems {
		t := el.tok
		switch {
		case t.Digits != "" || t.Kind == analysis.Number || len(el.letters) > 0:
			return nil
		case t.Kind == analysis.Han:
			out = append(out, e.keyList([]string{"h" + t.Text}))
		case t.Kind == analysis.Word:
			out = append(out, e.keyList([]string{"w" + t.Text, "t" + t.Stem}))
		default:
			return nil
		}
	}
	return out
}

// compileAllow compiles an allowed phrase: matched as exceptions are
// (characters, words and English stems; no sound-alikes, no slop), since
// a sound-alike allowed phrase would let real violations through.
func (e *Engine) compileAllow(phrase string, onlyZh bool) *cpattern {
	return e.compileException(Exception{Phrase: phrase}, onlyZh)
}

// compileException compiles an exception phrase: exact (characters, words,
// stems) with no slop unless the exception asks for fuzzy or slop.
func (e *Engine) compileException(x Exception, onlyZh bool) *cpattern {
	fuzzy, slop := x.Fuzzy != nil && *x.Fuzzy, 0
	if x.Slop != nil {
		slop = *x.Slop
	}
	xp := e.compilePattern(Pattern{Phrase: x.Phrase, Fuzzy: &fuzzy, Slop: &slop}, "", onlyZh)
	if xp != nil {
		xp.stems, xp.plain = true, false
	}
	return xp
}

// compilePattern returns nil for a phrase that normalizes to nothing
// (validation reports it; Compile must still never fail on it).
func (e *Engine) compilePattern(p Pattern, category string, onlyZh bool) *cpattern {
	cp := &cpattern{src: p.String(), digits: p.Digits, contact: p.Contact, fuzzy: p.Fuzzy == nil || *p.Fuzzy}
	if cp.special() {
		return cp
	}
	cp.zh = onlyZh || analysis.HasHan(p.Phrase)
	cp.elems = compilePhrase(p.Phrase, cp.fuzzy, cp.zh, e.py)
	if len(cp.elems) == 0 {
		return nil
	}
	cp.slop = 1
	if cp.zh {
		cp.slop = 0
	}
	if p.Slop != nil {
		cp.slop = min(max(*p.Slop, 0), MaxSlop)
	}
	for i := range cp.elems {
		cp.numeric = cp.numeric || numberTok(&cp.elems[i].tok)
	}
	cp.key = normKey(cp.elems)
	cp.short = cp.fuzzy && cp.zh && len(cp.elems) <= 2 && allHan(cp.elems)
	if e.guardCache == nil {
		e.guardCache = map[string][]elem{}
	}
	cp.guards = compileGuards(p, category, cp.key, e.py, e.guardCache)
	cp.plain = !cp.fuzzy && cp.slop == 0
	for _, el := range cp.elems {
		cp.plain = cp.plain && !el.wildcard && !el.joinable
	}
	return cp
}

// addPhonetic registers fuzzy English phrases with the phone matcher. A
// phrase whose words lack pronunciations keeps its textual matching only.
func (e *Engine) addPhonetic() {
	if e.phonetic == nil {
		return
	}
	e.phonIDs = make([]*cpattern, len(e.patterns))
	for _, p := range e.patterns {
		if p.zh || !p.fuzzy || p.special() {
			continue
		}
		words := make([]string, 0, len(p.elems))
		for _, el := range p.elems {
			if el.tok.Kind != analysis.Word || el.wildcard {
				words = nil
				break
			}
			words = append(words, el.tok.Text)
		}
		if len(words) == 0 {
			continue
		}
		if err := e.phonetic.AddScored(p.id, words, minPhoneticScore(len(words))); err != nil {
			continue
		}
		e.phonIDs[p.id] = p
		e.nPhon++
		if len(words) > 1 {
			// phoneticImplausible wants a content word of a short phrase
			// heard as written (text or stem), and a longer phrase heard
			// entirely as other words is not credible either: without one
			// in the segment, aligning the phrase is wasted work. A letter
			// may be heard as its name ("dee em me" for "d m me").
			for _, el := range p.elems {
				if functionWords[el.tok.Text] {
					continue
				}
				p.phonKeys = append(p.phonKeys, e.keyID("w"+el.tok.Text), e.keyID("t"+el.tok.Stem))
				if len(el.tok.Text) == 1 {
					for _, name := range letterNames[el.tok.Text[0]] {
						p.phonKeys = append(p.phonKeys, e.keyID("w"+name))
					}
				}
			}
			p.phonGated = true
		}
	}
	e.gatedBy = make([][]int32, len(e.keyIDs))
	e.phonByID, _ = e.phonetic.(phoneticByID)
	for _, p := range e.phonIDs {
		if p != nil && !p.phonGated {
			e.phonOpen = append(e.phonOpen, int32(p.id))
		}
		if p == nil || !p.phonGated {
			continue
		}
		for _, k := range p.phonKeys {
			if l := e.gatedBy[k]; len(l) == 0 || l[len(l)-1] != int32(p.id) {
				e.gatedBy[k] = append(l, int32(p.id))
			}
		}
	}
	// Keys interned above start no anchor.
	e.auto.root = append(e.auto.root, make([]edgeSpan, len(e.keyIDs)-len(e.auto.root))...)
}

// letterNames are how ASR writes a letter said on its own.
var letterNames = map[byte][]string{'a': {"ay"}, 'b': {"bee", "be"}, 'c': {"see", "sea", "cee"},
	'd': {"dee"}, 'e': {"ee"}, 'f': {"ef", "eff"}, 'g': {"gee"}, 'h': {"aitch"}, 'i': {"eye", "aye"},
	'j': {"jay"}, 'k': {"kay"}, 'l': {"el", "ell"}, 'm': {"em"}, 'n': {"en"}, 'o': {"oh", "owe"},
	'p': {"pee", "pea"}, 'q': {"cue", "queue"}, 'r': {"are", "ar"}, 's': {"es", "ess"},
	't': {"tee", "tea"}, 'u': {"you", "yew"}, 'v': {"vee"}, 'w': {"double"}, 'x': {"ex"},
	'y': {"why"}, 'z': {"zee", "zed"}}

// minPhoneticScore is the lowest phone score phoneticImplausible accepts
// for a phrase of n words.
func minPhoneticScore(n int) float64 {
	switch {
	case n == 1:
		return minPhoneticOneWord
	case n <= shortPhraseWords:
		return minPhoneticShort
	}
	return minPhoneticLong
}

func allHan(els []elem) bool {
	for _, el := range els {
		if el.tok.Kind != analysis.Han {
			return false
		}
	}
	return true
}

// dropCompileState frees what only compiling needs: the key strings of the
// patterns' elements (the automaton and key tables hold their ids) and the
// guard cache.
func (e *Engine) dropCompileState() {
	for _, p := range e.patterns {
		for i := range p.elems {
			p.elems[i].keys = nil
		}
	}
	e.guardCache = nil
}
