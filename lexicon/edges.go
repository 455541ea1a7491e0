package lexicon

// The automaton's edges (automaton.go): a node's edges are a run of
// (key, targets) pairs in ekeys and espans, scanned, or for a node with
// many of them a small open-addressed table there.

// next returns the targets of node's edge on key.
func (a *automaton) next(node, key int32) (edgeSpan, bool) {
	n := &a.nodes[node]
	if n.nEdges >= 0 {
		keys := a.ekeys[n.edges : n.edges+n.nEdges]
		for i, k := range keys {
			if k == key {
				return a.espans[n.edges+int32(i)], true
			}
		}
		return edgeSpan{}, false
	}
	return a.probe(n, key)
}

// A node with more than smallNode edges keeps them as an open-addressed
// table of 2^bits slots (nEdges = -bits; empty slots have key -1), found
// in one or two probes: the first characters of Chinese phrases have
// dozens of continuations, and a binary search over them was an eighth
// of matching Chinese with the default lexicon. Smaller nodes are
// scanned.
const smallNode = 8

func (a *automaton) probe(n *anode, key int32) (edgeSpan, bool) {
	bits := uint32(-n.nEdges)
	mask := uint32(1)<<bits - 1
	for h := edgeHash(key, bits); ; h = (h + 1) & mask {
		switch k := a.ekeys[n.edges+int32(h)]; k {
		case key:
			return a.espans[n.edges+int32(h)], true
		case -1:
			return edgeSpan{}, false
		}
	}
}

func edgeHash(key int32, bits uint32) uint32 { return uint32(key) * 0x9e3779b1 >> (32 - bits) }

// hashNodes lays out the edges of nodes with more than smallNode of
// them as tables (probe); the others stay sorted runs.
func (a *automaton) hashNodes() {
	var ekeys []int32
	var espans []edgeSpan
	a.masks = make([]uint64, len(a.nodes))
	for i := range a.nodes {
		n := &a.nodes[i]
		keys, spans := a.ekeys[n.edges:n.edges+n.nEdges], a.espans[n.edges:n.edges+n.nEdges]
		for _, k := range keys {
			a.masks[i] |= keyBit(k)
		}
		n.edges = int32(len(ekeys))
		if len(keys) <= smallNode {
			ekeys, espans = append(ekeys, keys...), append(espans, spans...)
			continue
		}
		bits := uint32(1)
		for 1<<bits < 2*len(keys) {
			bits++
		}
		base := len(ekeys)
		for range 1 << bits {
			ekeys, espans = append(ekeys, -1), append(espans, edgeSpan{})
		}
		for j, k := range keys {
			h := edgeHash(k, bits)
			for ekeys[base+int(h)] != -1 {
				h = (h + 1) & (1<<bits - 1)
			}
			ekeys[base+int(h)], espans[base+int(h)] = k, spans[j]
		}
		n.nEdges = -int32(bits)
	}
	a.ekeys, a.espans = ekeys, espans
}

// keyBit is key's bit in a node's mask (automaton.masks).
func keyBit(key int32) uint64 { return 1 << (uint32(key) * 0x9e3779b1 >> 26) }

// keyBits is the mask of a token's keys.
func keyBits(keys []int32) uint64 {
	var m uint64
	for _, k := range keys {
		m |= keyBit(k)
	}
	return m
}
