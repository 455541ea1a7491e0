package vosk

import (
	"testing"

	"github.com/earshot/earshot/transcript/internal/fakeasr"
	"github.com/earshot/earshot/transcript/internal/wsasr/wsasrtest"
)

// TestVosk runs the behaviour shared with the other WebSocket recognizers
// against the vosk fake.
func TestVosk(t *testing.T) {
	wsasrtest.Run(t, wsasrtest.Target{NewFake: wsasrtest.FakeOf(fakeasr.NewVosk), New: wsasrtest.NewOf(New), ErrClosed: ErrClosed})
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"partial" : "add me"}`))
	f.Add([]byte(`{"result":[{"conf":1,"end":0.6,"start":0.3,"word":"me"}],"text":"me"}`))
	f.Add([]byte(`{"text": ""}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data)
		if err != nil {
			return
		}
		_ = m.ResultText()
		for _, w := range m.Result {
			if w.End < w.Start || w.Start < 0 {
				t.Fatalf("accepted bad word %+v", w)
			}
		}
	})
}
