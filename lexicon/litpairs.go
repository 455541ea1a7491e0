package lexicon

// The literal paths' pair filter. Every token with a key starts a path at
// a node of depth one, and at 10,000 rules nearly every token has a key:
// keeping those paths live and looking the next token up among their
// edges was most of a literal match, though few pairs of neighbouring
// tokens begin an anchor. So the literal paths keep no path of depth one.
// A bit set of 16 bits a pair, over the first two keys of every anchor
// (a node of depth one reached by key k1 with an edge on k2), says for
// the previous token's keys and this one's whether an anchor may go on;
// it stays in the CPU's first cache where the nodes do not. Only then are
// the depth-one nodes followed, exactly as their live paths were; a pair
// it lets through in error finds no edge. One-element anchors end at a
// node of depth one: rootOut says which keys reach outputs, which are
// taken at the token itself. Hits are the general path's as before
// (TestLiteralASCIIEqualsGeneral, TestLiteralHanEqualsGeneral, and the
// fuzz targets).
type litPairs struct {
	bits    []uint64
	shift   uint32
	rootOut []uint64 // by key: a node its root edge leads to has outputs
}

func pairHash(k1, k2 int32) uint32 { return (uint32(k1)*0x9e3779b1 + uint32(k2)) * 0x85ebca6b }

func (p *litPairs) has(k1, k2 int32) bool {
	h := pairHash(k1, k2) >> p.shift
	return p.bits[h>>6]&(1<<(h&63)) != 0
}

func (p *litPairs) outAt(k int32) bool {
	return int(k>>6) < len(p.rootOut) && p.rootOut[k>>6]&(1<<(k&63)) != 0
}

// buildPairs fills a.pairs from the root edges and the edges of the nodes
// they lead to.
func (a *automaton) buildPairs() {
	var pairs [][2]int32
	p := &a.pairs
	p.rootOut = make([]uint64, (len(a.root)+63)/64)
	for k, sp := range a.root {
		for _, t := range a.targets[sp.off : sp.off+sp.n] {
			n := &a.nodes[t]
			if n.nOut > 0 {
				p.rootOut[k>>6] |= 1 << (k & 63)
			}
			size := n.nEdges
			if size < 0 {
				size = 1 << -size // a table (probe): empty slots have key -1
			}
			for _, k2 := range a.ekeys[n.edges : n.edges+size] {
				if k2 >= 0 {
					pairs = append(pairs, [2]int32{int32(k), k2})
				}
			}
		}
	}
	b := uint32(12)
	for 1<<b < 16*len(pairs) {
		b++
	}
	p.bits, p.shift = make([]uint64, 1<<b/64), 32-b
	for _, pr := range pairs {
		h := pairHash(pr[0], pr[1]) >> p.shift
		p.bits[h>>6] |= 1 << (h & 63)
	}
}

// pairTargets calls f with the targets of the edges on k of the nodes of
// depth one that key pk reaches: where a path of depth one started by pk
// at the previous token goes on.
func (a *automaton) pairTargets(pk, k int32, f func(edgeSpan)) {
	sp := a.root[pk]
	for _, t := range a.targets[sp.off : sp.off+sp.n] {
		if next, ok := a.next(t, k); ok {
			f(next)
		}
	}
}
