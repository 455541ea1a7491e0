package phonetic

import (
	"errors"
	"fmt"
	"hash/maphash"
	"strings"
	"sync"
	"sync/atomic"
)

// Defaults of IndexOptions.
const (
	DefaultMaxEditRatio = 0.25
	DefaultMinPhones    = 4
	// maxPhraseVariants caps the pronunciation combinations of one phrase.
	maxPhraseVariants = 16
	// FullEditMinPhones is the shortest phrase, in phones, that tolerates a
	// full edit (an insertion, a deletion or a dissimilar substitution).
	// Shorter phrases tolerate only similar-phone substitutions: with a full
	// edit, "the best" would match "the rest" and "the test".
	FullEditMinPhones = 9
)

// ErrTooShort is returned by Add for phrases with fewer phones than
// IndexOptions.MinPhones.
var ErrTooShort = errors.New("phonetic: phrase too short to match by sound")

// ErrUnknownWord is returned by Add for a word without a pronunciation.
var ErrUnknownWord = errors.New("phonetic: word not in pronouncing dictionary")

// IndexOptions tune matching. Zero values select the defaults.
type IndexOptions struct {
	// MaxEditRatio is the largest weighted edit distance accepted, as a
	// fraction of the phrase's phone count (default 0.25).
	MaxEditRatio float64
	// MinPhones is the shortest phrase, in phones, that Add accepts
	// (default 4): shorter phrases match too much ordinary speech.
	MinPhones int
}

func (o IndexOptions) withDefaults() IndexOptions {
	if o.MaxEditRatio <= 0 {
		o.MaxEditRatio = DefaultMaxEditRatio
	}
	if o.MinPhones <= 0 {
		o.MinPhones = DefaultMinPhones
	}
	return o
}

// Match is an approximate occurrence of an indexed phrase.
type Match struct {
	// ID is the id given to Add.
	ID int
	// StartWord and EndWord (exclusive) locate the match in Find's words.
	StartWord, EndWord int
	// Distance is the weighted phone edit distance rounded up to whole
	// phones; 0 means the phones are identical.
	Distance int
	// Score is 1 - weighted distance / phrase phones, in (0, 1].
	Score float64
}

// entry is one pronunciation variant of one phrase.
type entry struct {
	id      int
	phones  string // phone ids
	maxCost int    // in quarter phones
	k       int    // full edits maxCost affords
	pieces  []piece
	bag     []classCount // the phrase's phones per class
	// lead is the first entry of the same phrase whose phones have the
	// same filter classes, length and budget (variants that differ in
	// vowels only: "the" as DH AH or DH IY), itself if none. The filter,
	// the start words and the bag bound depend on nothing else, so
	// FindIDs runs them once per lead and aligns every variant of its
	// group (same) from the starts they leave.
	lead int32
	same []int32 // on a lead: its group, itself first
	// merged (on a lead of several variants) is the group's merged
	// phrase, noMerge when the set phones ran out (merge.go).
	merged  string
	noMerge bool
}

// Index finds approximate occurrences of many phrases. Add all phrases
// first; Find is then safe for concurrent use. Add must not run
// concurrently with Find.
type Index struct {
	dict *Dict
	opts IndexOptions
	cost []uint8 // substitution cost matrix
	// costBy is cost transposed with rows of 256: costBy[u*256+p] is the
	// cost of phrase phone p for utterance phone u, so the alignment's
	// inner loop indexes a row by a phone byte with no bounds check.
	costBy  []uint8
	nPhones int
	entries []entry
	// byID (ids 0..len-1) and byIDSparse (others) list each phrase id's
	// entries, for FindIDs.
	byID       [][]int32
	byIDSparse map[int][]int32
	// leadsByID and leadsSparse list, likewise, the pieces of each phrase
	// id's leads, all FindIDs reads of an id: one small array an id
	// rather than an entry of a hundred bytes and its pieces' array for
	// each of its leads (a cache miss each, a third of FindIDs' own time).
	leadsByID   [][]leadPiece
	leadsSparse map[int][]leadPiece
	filter      *pieceFilter
	sets        []uint64                   // phone nPhones+i stands for the phones of sets[i] (merge.go)
	seed        maphash.Seed               // of the word cache
	words       []atomic.Pointer[wordSlot] // pronounceAll's word cache
	scratch     sync.Pool                  // *filterScratch
}

// NewIndex returns an empty index over d's pronunciations.
func NewIndex(d *Dict, opts IndexOptions) *Index {
	cost, n := d.phones.costs(), len(d.phones.names)
	costBy := make([]uint8, n*256)
	for p := range n {
		for u := range n {
			costBy[u*256+p] = cost[p*n+u]
		}
	}
	return &Index{
		dict:    d,
		opts:    opts.withDefaults(),
		cost:    cost,
		costBy:  costBy,
		nPhones: n,
		filter:  newPieceFilter(d.phones.classes()),
		seed:    maphash.MakeSeed(),
		words:   make([]atomic.Pointer[wordSlot], wordCacheSize),
		scratch: sync.Pool{New: func() any { return new(filterScratch) }},
	}
}

// Add indexes a phrase under id. Words may also hold several
// space-separated words. Every word needs a pronunciation, and the phrase's
// shortest pronunciation at least MinPhones phones.
func (ix *Index) Add(id int, words []string) error { return ix.AddScored(id, words, 0) }

// AddScored is Add for a phrase whose caller accepts only matches scoring
// at least minScore: alignments stop as soon as none can reach it, and
// the candidate filter tolerates fewer full edits, so it excludes more.
// A minScore below what MaxEditRatio allows changes nothing.
func (ix *Index) AddScored(id int, words []string, minScore float64) error {
	variants, err := ix.phraseVariants(words)
	if err != nil {
		return err
	}
	for _, v := range variants {
		if len(v) < ix.opts.MinPhones {
			return fmt.Errorf("%w: %q has %d phones, need %d",
				ErrTooShort, strings.Join(words, " "), len(v), ix.opts.MinPhones)
		}
	}
	for _, v := range variants {
		ix.addEntry(id, v, minScore)
	}
	return nil
}

// phraseVariants returns the phone-id strings of every pronunciation
// combination of the phrase, capped at maxPhraseVariants.
func (ix *Index) phraseVariants(words []string) ([]string, error) {
	variants := []string{""}
	n := 0
	for _, w := range words {
		for _, f := range strings.Fields(w) {
			prons := ix.dict.lookup(normalizeWord(f))
			if len(prons) == 0 {
				return nil, fmt.Errorf("%w: %q", ErrUnknownWord, f)
			}
			variants = crossJoin(variants, prons)
			n++
		}
	}
	if n == 0 {
		return nil, fmt.Errorf("%w: empty phrase", ErrTooShort)
	}
	return variants, nil
}

func crossJoin(prefixes, prons []string) []string {
	out := make([]string, 0, len(prefixes)*len(prons))
	for _, p := range prefixes {
		for _, q := range prons {
			if len(out) == maxPhraseVariants {
				return out
			}
			out = append(out, p+q)
		}
	}
	return out
}

func (ix *Index) addEntry(id int, phones string, minScore float64) {
	e := entry{id: id, phones: phones, maxCost: ix.budget(len(phones))}
	if minScore > 0 {
		// Score = 1 - cost/(m*fullCost) >= minScore
		e.maxCost = min(e.maxCost, int((1-minScore)*float64(len(phones)*fullCost)+1e-9))
	}
	en := int32(len(ix.entries))
	e.k = e.maxCost / fullCost
	e.pieces = ix.filter.add(en, phones, e.k)
	e.bag = ix.filter.bagOf(phones)
	e.lead = en
	for _, o := range ix.entriesOf(id) {
		if l := &ix.entries[o]; l.lead == o && l.maxCost == e.maxCost && ix.filter.sameClasses(l.phones, phones) {
			e.lead = o
			break
		}
	}
	if e.lead == en {
		e.same = []int32{en}
	}
	ix.entries = append(ix.entries, e)
	if e.lead == en {
		ix.addLead(id, en, &e)
	}
	if e.lead != en {
		l := &ix.entries[e.lead]
		l.same = append(l.same, en)
		ix.mergeInto(l, phones)
	}
	switch {
	case id >= 0 && id < maxDenseID:
		for len(ix.byID) <= id {
			ix.byID = append(ix.byID, nil)
		}
		ix.byID[id] = append(ix.byID[id], en)
	default:
		if ix.byIDSparse == nil {
			ix.byIDSparse = map[int][]int32{}
		}
		ix.byIDSparse[id] = append(ix.byIDSparse[id], en)
	}
}

// leadPiece is one piece of a lead (entry.lead is itself) as FindIDs
// reads it: the piece, its entry's full-edit budget and its first phone's
// class; a lead the filter cannot exclude has one, with first noPieces.
type leadPiece struct {
	entry  int32
	key    uint32
	offset int32
	k      int32
	first  int32
}

const noPieces = -1

// addLead lists lead en (entry e) of phrase id for FindIDs.
func (ix *Index) addLead(id int, en int32, e *entry) {
	var ps []leadPiece
	switch {
	case id >= 0 && id < maxDenseID:
		for len(ix.leadsByID) <= id {
			ix.leadsByID = append(ix.leadsByID, nil)
		}
		ps = ix.leadsByID[id]
	default:
		if ix.leadsSparse == nil {
			ix.leadsSparse = map[int][]leadPiece{}
		}
		ps = ix.leadsSparse[id]
	}
	if e.pieces == nil {
		ps = append(ps, leadPiece{entry: en, k: int32(e.k), first: noPieces})
	}
	for _, pc := range e.pieces {
		ps = append(ps, leadPiece{entry: en, key: pc.key, offset: pc.offset, k: int32(e.k),
			first: int32(ix.filter.class[e.phones[pc.offset]])})
	}
	if id >= 0 && id < maxDenseID {
		ix.leadsByID[id] = ps
	} else {
		ix.leadsSparse[id] = ps
	}
}

// maxDenseID bounds the ids listed in a slice rather than a map.
const maxDenseID = 1 << 20

// budget is the largest weighted distance accepted for a phrase of m
// phones, in quarter phones.
func (ix *Index) budget(m int) int {
	c := int(ix.opts.MaxEditRatio * float64(m*fullCost))
	if m < FullEditMinPhones {
		c = min(c, fullCost-1)
	}
	return c
}

// Len is the number of indexed pronunciation variants.
func (ix *Index) Len() int { return len(ix.entries) }
