package lexicon

import "testing"

// TestNodeEdgesFound checks the automaton's two edge layouts (a scanned
// run, or a table for a node with many edges: probe) against the edges as
// stored: next finds every stored key with its targets, and no other key,
// for every node and key of the default lexicon and of a 10,000-rule one;
// and the node's mask has every stored key's bit.
func TestNodeEdgesFound(t *testing.T) {
	def, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	for _, lx := range []*Lexicon{def, benchRules(10000, true, 42, false)} {
		e, err := Compile(lx, Options{})
		if err != nil {
			t.Fatal(err)
		}
		a, tables := e.auto, 0
		for node := range a.nodes {
			n := &a.nodes[node]
			size := int(n.nEdges)
			if n.nEdges < 0 {
				size, tables = 1<<-n.nEdges, tables+1
			}
			stored := map[int32]edgeSpan{}
			for i := range size {
				if k := a.ekeys[int(n.edges)+i]; k >= 0 {
					if _, dup := stored[k]; dup {
						t.Fatalf("node %d stores key %d twice", node, k)
					}
					stored[k] = a.espans[int(n.edges)+i]
				}
			}
			for k := range stored {
				if a.masks[node]&keyBit(k) == 0 {
					t.Fatalf("node %d: key %d not in its mask", node, k)
				}
			}
			for k := range int32(len(e.keyIDs)) {
				sp, ok := a.next(int32(node), k)
				want, has := stored[k]
				if ok != has || sp != want {
					t.Fatalf("node %d key %d: next %v %v, stored %v %v", node, k, sp, ok, want, has)
				}
			}
		}
		if tables == 0 {
			t.Fatalf("%s: no node has a table: the test checks only scanned runs", lx.Name)
		}
	}
}
