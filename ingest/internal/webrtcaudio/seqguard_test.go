package webrtcaudio

import "testing"

func TestSeqGuard(t *testing.T) {
	type step struct {
		in   uint16
		out  uint16
		drop bool
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"in order across the wrap", []step{{65534, 65534, false}, {65535, 65535, false}, {0, 0, false}, {1, 1, false}}},
		{"reordered and late within the window", []step{{100, 100, false}, {102, 102, false}, {101, 101, false}, {40, 40, false}}},
		{"far behind is dropped", []step{{1000, 1000, false}, {500, 0, true}, {1001, 1001, false}}},
		{"one far packet is dropped", []step{{10, 10, false}, {40000, 0, true}, {11, 11, false}}},
		{"a confirmed jump continues the numbering", []step{
			{10, 10, false}, {30000, 0, true}, {30001, 0, true}, {30002, 11, false}, {30003, 12, false}, {30001, 10, false}}},
		{"a burst loss within the window passes", []step{{10, 10, false}, {260, 260, false}, {261, 261, false}}},
		{"scattered far packets never confirm", []step{{10, 10, false}, {20000, 0, true}, {40000, 0, true}, {60000, 0, true}, {11, 11, false}}},
	}
	for _, tc := range tests {
		var g seqGuard
		for i, s := range tc.steps {
			out, ok := g.admit(s.in)
			if ok == s.drop || ok && out != s.out {
				t.Errorf("%s: step %d (%d): got %d %v, want %d drop=%v", tc.name, i, s.in, out, ok, s.out, s.drop)
			}
		}
	}
}
