package testdouble

import (
	"sync"

	"github.com/earshot/earshot/transcript"
)

// Collector gathers the hypotheses a stream emits. Pass its Emit method to
// Recognizer.Open. It is safe for concurrent use; the zero value is ready.
type Collector struct {
	mu  sync.Mutex
	hyp []transcript.Hypothesis
}

// Emit records h; it has the transcript.Emit signature.
func (c *Collector) Emit(h transcript.Hypothesis) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.hyp = append(c.hyp, h)
}

// All returns a copy of every hypothesis emitted so far, in order.
func (c *Collector) All() []transcript.Hypothesis {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]transcript.Hypothesis(nil), c.hyp...)
}

// Finals returns the final hypotheses emitted so far, in order.
func (c *Collector) Finals() []transcript.Hypothesis {
	var out []transcript.Hypothesis
	for _, h := range c.All() {
		if h.Final {
			out = append(out, h)
		}
	}
	return out
}
