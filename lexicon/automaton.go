package lexicon

import (
	"slices"
	"strconv"
	"strings"

	"github.com/earshot/earshot/analysis"
)

// The automaton selects the candidate patterns of a segment in one pass
// over its tokens. Every pattern contributes an anchor: a run of its
// consecutive elements (the whole phrase when it can, see anchorRun),
// inserted into a trie whose edges are the keys an element accepts (its
// characters, fuzzy syllables, words, stems, prefixes, digits, initials;
// elemKeys). Elements with the same keys share trie nodes, so homophones and
// patterns with a common beginning cost nothing extra.
//
// The trie is run as an automaton over the token stream: each token's keys
// (tokenKeys) start new paths at the root and advance the live ones. A path
// may wait up to the slop of the patterns below its node before the next
// element (a gap), and a Latin word may advance a path several elements at
// once ("weixin" and "vx" cover 微信). Each trie node is live at most once
// (paths reaching it are merged, keeping the range of start tokens), so the
// work per token is bounded by the live nodes, not by the number of rules.
// Reaching a node that ends an anchor makes its patterns candidates; the
// verifier then decides, from where the anchor started.
//
// The layout is flat, for the cache at 10,000 rules: a node is 20 bytes
// of offsets into shared arrays (edge keys, edge spans, targets, outputs)
// instead of three slices of its own, so following an edge touches a few
// neighbouring words rather than chasing a pointer per slice, and the
// whole automaton is a handful of allocations.
type automaton struct {
	nodes []anode
	// root[key] and a node's edges are spans of targets: a key may lead to
	// several children when elements with different keys share it.
	root    []edgeSpan
	targets []int32
	// ekeys (sorted within a node) and espans are every node's edges,
	// node after node: most nodes have one or two, so a scan beats a hash.
	ekeys  []int32
	espans []edgeSpan
	outs   []int32 // every node's outputs, node after node
	// masks[node] has keyBit(k) set for each key k of its edges: a path
	// whose node has none of a token's bits cannot advance on it, and is
	// passed over without a look at its edges (most live paths, most
	// tokens).
	masks []uint64
	cover bool     // some node has cover
	pairs litPairs // the literal paths' (litpairs.go)
}

type anode struct {
	// ekeys[edges:edges+nEdges], espans likewise; a node with many
	// edges has a table of 2^-nEdges slots there instead (probe).
	edges, nEdges int32
	out, nOut     int32 // outs[out:out+nOut]: patterns whose anchor ends here, in lexicon order
	gap           int16 // tokens a path may skip here before the next element
	// cover: some element ending here is Han or has letter readings, so
	// one Latin word may cover it together with its neighbours (typed
	// pinyin, initials, letters: verifier.cover). Only such elements are
	// advanced again on the same word.
	cover bool
	// lit: nodeIndirect when an output here is not direct, nodeHanIndirect
	// when one is not hanDirect (literal.go, literal_han.go): the literal
	// paths learn it from the node they reach, not pattern by pattern.
	lit uint8
}

const (
	nodeIndirect uint8 = 1 << iota
	nodeHanIndirect
)

// outputs are the patterns whose anchor ends at node.
func (a *automaton) outputs(node int32) []int32 {
	n := &a.nodes[node]
	return a.outs[n.out : n.out+n.nOut]
}

type edgeSpan struct{ off, n int32 }

// maxAnchor bounds an anchor's length: longer ones filter no better.
const maxAnchor = 6

// buildAutomaton chooses each phrase pattern's anchor and builds the trie.
func (e *Engine) buildAutomaton() {
	df := map[string]int{}
	for _, p := range e.patterns {
		for i := range p.elems {
			for _, k := range anchorKeys(p, i, e.py) {
				df[k]++
			}
		}
	}
	a := &automaton{nodes: []anode{{}}}
	outs := [][]int32{nil}
	children := map[string]int32{} // parent + element keys -> child
	childKeys := map[int32][]int32{}
	parentOf := map[int32]int32{}
	for _, p := range e.patterns {
		if p.special() {
			continue
		}
		for _, el := range p.elems {
			if el.wildcard {
				e.maxPrefix = max(e.maxPrefix, len(el.tok.Text))
			}
			e.joins = e.joins || el.joinable
		}
		lo, hi := anchorRun(p, df, e.py)
		p.anchor, p.anchorEnd = lo, hi
		node := int32(0)
		for i := lo; i < hi; i++ {
			keys := e.keyList(anchorKeys(p, i, e.py))
			sig := strconv.Itoa(int(node)) + ":" + joinIDs(keys)
			child, ok := children[sig]
			if !ok {
				child = int32(len(a.nodes))
				a.nodes = append(a.nodes, anode{})
				outs = append(outs, nil)
				children[sig] = child
				childKeys[child] = keys
				parentOf[child] = node
			}
			if i > lo {
				a.nodes[node].gap = max(a.nodes[node].gap, int16(p.slop))
			}
			if el := &p.elems[i]; el.tok.Kind == analysis.Han || len(el.fsyls) > 0 {
				a.nodes[child].cover, a.cover = true, true
			}
			node = child
		}
		outs[node] = append(outs[node], int32(p.id))
		if hi-lo == 1 && len(p.elems) > 1 {
			// A one-element anchor of a longer phrase (every element spans
			// several tokens): the rarest other element must also occur.
			p.filtered = true
			p.second = e.keyList(anchorKeys(p, secondRarest(p, lo, df), e.py))
		}
	}
	// Edges, grouped by source and key.
	type edge struct {
		from, key, to int32
	}
	var all []edge
	for child, keys := range childKeys {
		for _, k := range keys {
			all = append(all, edge{parentOf[child], k, child})
		}
	}
	slices.SortFunc(all, func(x, y edge) int {
		if x.from != y.from {
			return int(x.from - y.from)
		}
		if x.key != y.key {
			return int(x.key - y.key)
		}
		return int(x.to - y.to)
	})
	a.root = make([]edgeSpan, len(e.keyIDs))
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].from == all[i].from && all[j].key == all[i].key {
			a.targets = append(a.targets, all[j].to)
			j++
		}
		sp := edgeSpan{off: int32(len(a.targets) - (j - i)), n: int32(j - i)}
		if all[i].from == 0 {
			a.root[all[i].key] = sp
		} else {
			n := &a.nodes[all[i].from]
			if n.nEdges == 0 {
				n.edges = int32(len(a.ekeys))
			}
			n.nEdges++
			a.ekeys, a.espans = append(a.ekeys, all[i].key), append(a.espans, sp)
		}
		i = j
	}
	for i, o := range outs {
		slices.Sort(o)
		a.nodes[i].out, a.nodes[i].nOut = int32(len(a.outs)), int32(len(o))
		a.outs = append(a.outs, o...)
	}
	a.hashNodes()
	e.auto = a
}

// keyList interns keys and returns their ids, sorted and unique.
func (e *Engine) keyList(keys []string) []int32 {
	ids := make([]int32, 0, len(keys))
	for _, k := range keys {
		ids = append(ids, e.keyID(k))
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

func joinIDs(ids []int32) string {
	var b strings.Builder
	for _, id := range ids {
		b.WriteString(strconv.Itoa(int(id)))
		b.WriteByte(',')
	}
	return b.String()
}

// keyID interns a candidate key.
func (e *Engine) keyID(k string) int32 {
	id, ok := e.keyIDs[k]
	if !ok {
		id = int32(len(e.keyIDs))
		e.keyIDs[k] = id
	}
	return id
}

// anchorRun returns the elements [lo, hi) a pattern is anchored on: the
// longest run in which every element but the last is one text token (an
// element that may span several tokens, QQ spelled 扣扣 or venmo heard as
// "ven mo", puts the next element out of the automaton's reach), the rarest
// of equally long runs, at most maxAnchor long.
func anchorRun(p *cpattern, df map[string]int, py pyTable) (int, int) {
	bestLo, bestHi, bestDF := 0, 0, 0
	for lo := 0; lo < len(p.elems); {
		hi := lo + 1
		for hi < len(p.elems) && !multiToken(&p.elems[hi-1]) && hi-lo < maxAnchor {
			hi++
		}
		c := 0
		for i := lo; i < hi; i++ {
			c += keyDF(p, i, df, py)
		}
		if hi-lo > bestHi-bestLo || (hi-lo == bestHi-bestLo && c < bestDF) {
			bestLo, bestHi, bestDF = lo, hi, c
		}
		if hi == lo+1 {
			lo++
		} else {
			lo = hi - 1
			if multiToken(&p.elems[lo]) || hi-lo >= maxAnchor {
				lo = hi
			}
		}
	}
	if bestHi-bestLo == 1 && len(p.elems) > 1 {
		// No run of two: the rarest single element.
		best := -1
		for i := range p.elems {
			if c := keyDF(p, i, df, py); best < 0 || c < bestDF {
				best, bestDF = i, c
			}
		}
		return best, best + 1
	}
	return bestLo, bestHi
}

// secondRarest is the rarest element other than skip.
func secondRarest(p *cpattern, skip int, df map[string]int) int {
	best, bc := -1, 0
	for i, el := range p.elems {
		if i == skip {
			continue
		}
		c := 0
		for _, k := range el.keys {
			c += df[k]
		}
		if best < 0 || c < bc {
			best, bc = i, c
		}
	}
	return best
}

func keyDF(p *cpattern, i int, df map[string]int, py pyTable) int {
	c := 0
	for _, k := range anchorKeys(p, i, py) {
		c += df[k]
	}
	return c
}

// multiToken reports whether an element can span several text tokens (QQ
// spelled 扣扣, venmo heard as "ven mo").
func multiToken(el *elem) bool { return len(el.letters) > 0 || el.joinable }

// anchorKeys are the keys a token matching element ai emits: its own, plus
// initials for a fuzzy Chinese character of a longer phrase, so a typed
// abbreviation such as "vx" finds 微信.
func anchorKeys(p *cpattern, ai int, py pyTable) []string {
	el := p.elems[ai]
	keys := append([]string(nil), el.keys...)
	if p.fuzzy && p.zh && el.tok.Kind == analysis.Han && len(p.elems) > 1 {
		for _, s := range el.tok.Syllables {
			keys = append(keys, "i"+string(py.Initial(s)))
		}
	}
	return keys
}

// live is a path of the automaton: its node, the token that last advanced
// it, and the range of tokens it started at.
type live struct {
	node, last, lo, hi int32
}

// candidates selects the phrase patterns whose anchor occurs in toks, with
// the range of tokens where it started (sc.pos), in lexicon order.
func (e *Engine) candidates(toks []analysis.Token, han bool, sc *scratch) []int32 {
	return e.scan(toks, han, sc, nil, nil)
}

// resume is the automaton's state before one token, so a Stream can go on
// from there when the next partial hypothesis extends this one.
type resume struct {
	tok   int // the state is before this token
	live  []live
	cands []int32
	pos   [][2]int32
	seen  []int32 // the keys of the tokens before tok
}

// scan runs the automaton over toks, from the state from (nil: the start),
// and saves the state before token snap.tok into snap (nil: none).
func (e *Engine) scan(toks []analysis.Token, han bool, sc *scratch, from, snap *resume) []int32 {
	sc.begin()
	if e.noIndex {
		for id, p := range e.patterns {
			if !p.special() {
				sc.add(int32(id), 0)
				sc.add(int32(id), int32(len(toks)-1))
			}
		}
		return sc.cands
	}
	a := e.auto
	cur, next := sc.live[:0], sc.live2[:0]
	start := 0
	if from != nil {
		for _, k := range from.seen {
			sc.see(k)
		}
		for i, id := range from.cands {
			sc.add(id, from.pos[i][0])
			sc.add(id, from.pos[i][1])
		}
		cur = append(cur, from.live...)
		start = from.tok
	}
	for i := start; i < len(toks); i++ {
		if snap != nil && i == snap.tok {
			snap.save(cur, sc)
		}
		var keys []int32
		if t := &toks[i]; t.Digits == "" && (t.Kind == analysis.Han || t.Kind == analysis.Word && e.kt.wordOnly) && !e.kt.readings {
			// The literal case, most tokens of a segment: one key at
			// most, and a token no pattern uses, with no path live,
			// changes nothing and is skipped outright.
			var id int32
			if t.Kind == analysis.Han {
				id = e.kt.hanKey(t.Han)
			} else {
				id = e.kt.word.id(t.Text)
			}
			if id < 0 && len(cur) == 0 {
				continue
			}
			if keys = sc.keys[:0]; id >= 0 {
				keys = append(keys, id)
			}
		} else {
			keys = e.tokenKeys(toks, i, han, sc, sc.keys[:0])
		}
		sc.keys = keys
		if e.needSeen {
			for _, k := range keys {
				sc.see(k)
			}
		}
		sc.tokGen++
		next = next[:0]
		at := int32(i)
		bits := keyBits(keys)
		// One pass over the live paths: each waits and advances as it
		// may. Merging paths at a node is order-free (the latest last,
		// the widest start range), so the paths that wait and those that
		// advance need not be pushed in two passes (the second pass, and
		// looking each node up twice, was a tenth of matching Chinese
		// with the shipped lexicon).
		for _, l := range cur {
			n := &a.nodes[l.node]
			// A path that does not advance on this token waits if it may
			// still advance on the next one, having skipped this one.
			if at-l.last <= int32(n.gap) {
				next = sc.push(next, l)
			}
			if a.masks[l.node]&bits == 0 {
				continue // no edge on any of the keys
			}
			if at-l.last-1 > int32(n.gap) {
				continue
			}
			adv := live{last: at, lo: l.lo, hi: l.hi}
			if n.nEdges < 0 {
				for _, k := range keys {
					if sp, ok := a.probe(n, k); ok {
						next = e.advance(next, sp, adv, sc)
					}
				}
				continue
			}
			// A small node's edges are scanned once against all the
			// token's keys (distinct), not once per key.
			for i, ek := range a.ekeys[n.edges : n.edges+n.nEdges] {
				for _, k := range keys {
					if ek == k {
						next = e.advance(next, a.espans[n.edges+int32(i)], adv, sc)
						break
					}
				}
			}
		}
		for _, k := range keys {
			if sp := a.root[k]; sp.n > 0 {
				next = e.advance(next, sp, live{last: at, lo: at, hi: at}, sc)
			}
		}
		if toks[i].Kind == analysis.Word && a.cover {
			// One word covering several elements (weixin, vx): paths it
			// advanced may advance again on the same word, from and to
			// elements a word can cover together (anode.cover): "buy buy"
			// is no candidate wherever "buy" occurs.
			for j := 0; j < len(next); j++ {
				l := next[j]
				if l.last != at || sc.wordGen[l.node] == sc.tokGen || !a.nodes[l.node].cover {
					continue
				}
				sc.wordGen[l.node] = sc.tokGen
				for _, k := range keys {
					if sp, ok := a.next(l.node, k); ok {
						next = e.advanceCover(next, sp, l, sc)
					}
				}
			}
		}
		cur, next = next, cur
	}
	if snap != nil && snap.tok >= len(toks) {
		snap.save(cur, sc)
	}
	sc.live, sc.live2 = cur, next
	out := sc.out[:0]
	for _, id := range sc.cands {
		p := e.patterns[id]
		if p.filtered && !sc.anySeen(p.second) {
			continue
		}
		out = append(out, id)
	}
	// Lexicon order: when several patterns of a rule match, the first one
	// listed gives the Hit, whichever key found it.
	slices.Sort(out)
	sc.out = out
	return out
}

func (r *resume) save(cur []live, sc *scratch) {
	r.live = append(r.live[:0], cur...)
	r.cands = append(r.cands[:0], sc.cands...)
	r.pos = r.pos[:0]
	for _, id := range r.cands {
		r.pos = append(r.pos, sc.pos[id])
	}
	r.seen = append(r.seen[:0], sc.seenList...)
}

// advance moves path l to the targets of sp, merging with paths already
// live at a node, and makes the patterns of anchors ending there candidates.
func (e *Engine) advance(next []live, sp edgeSpan, l live, sc *scratch) []live {
	for _, to := range e.auto.targets[sp.off : sp.off+sp.n] {
		l.node = to
		next = sc.push(next, l)
		for _, id := range e.auto.outputs(to) {
			sc.add(id, l.lo)
			sc.add(id, l.hi)
		}
	}
	return next
}

// advanceCover is advance to the targets a word may cover (anode.cover).
func (e *Engine) advanceCover(next []live, sp edgeSpan, l live, sc *scratch) []live {
	for i := sp.off; i < sp.off+sp.n; i++ {
		if e.auto.nodes[e.auto.targets[i]].cover {
			next = e.advance(next, edgeSpan{off: i, n: 1}, l, sc)
		}
	}
	return next
}

// push adds l to next, or merges it into the path already at its node.
func (sc *scratch) push(next []live, l live) []live {
	nl := &sc.nodeLive[l.node]
	if nl.gen == sc.tokGen {
		m := &next[nl.at]
		m.last = max(m.last, l.last)
		m.lo, m.hi = min(m.lo, l.lo), max(m.hi, l.hi)
		return next
	}
	nl.gen, nl.at = sc.tokGen, int32(len(next))
	return append(next, l)
}

func (sc *scratch) anySeen(keys []int32) bool {
	for _, k := range keys {
		if sc.seen[k] == sc.gen {
			return true
		}
	}
	return false
}
