package vosk

import (
	"encoding/binary"
	"strings"
	"time"

	"github.com/earshot/earshot/transcript"
	"github.com/earshot/earshot/transcript/internal/wsasr"
)

// protocol is Vosk's side of wsasr: a config greeting, 16-bit PCM frames,
// partials and results, {"eof" : 1} to finish.
type protocol struct{}

func (protocol) Name() string  { return "vosk" }
func (protocol) Hello() string { return `{"config" : {"sample_rate" : 16000}}` }

func (protocol) Encode(pcm []int16) []byte {
	buf := make([]byte, 2*len(pcm))
	for i, v := range pcm {
		binary.LittleEndian.PutUint16(buf[2*i:], uint16(v))
	}
	return buf
}

func (protocol) NewUtterance() wsasr.Utterance { return &utterance{} }

// utterance is the results of one connection and the partial after them.
type utterance struct {
	done    []string // results so far
	words   []Word
	partial string
}

func (u *utterance) Update(b []byte) error {
	m, err := Decode(b)
	if err != nil {
		return err
	}
	if m.Partial != nil {
		u.partial = strings.TrimSpace(*m.Partial)
		return nil
	}
	u.add(m)
	u.partial = ""
	return nil
}

func (u *utterance) add(m Message) {
	if t := m.ResultText(); t != "" {
		u.done = append(u.done, t)
	}
	u.words = append(u.words, m.Result...)
}

// End drops the partial: the answer to eof is the last result, and then
// the server closes; results of its own endpointing may come before it.
func (u *utterance) End() string {
	u.partial = ""
	return `{"eof" : 1}`
}

// Final ignores partials; the server's close, not a message, is its last
// word.
func (u *utterance) Final(b []byte) (got, last bool, err error) {
	m, err := Decode(b)
	if err != nil || !m.IsResult() {
		return false, false, err
	}
	u.add(m)
	return true, false, nil
}

// Closed is no error: closing after eof is how Vosk finishes.
func (u *utterance) Closed() error { return nil }

func (u *utterance) Text() string {
	parts := append(append([]string(nil), u.done...), u.partial)
	return strings.TrimSpace(strings.Join(parts, " "))
}

func (u *utterance) Words(start time.Duration) []transcript.Word {
	var out []transcript.Word
	for _, w := range u.words {
		out = append(out, transcript.Word{Text: w.Word, Confidence: w.Conf,
			Start: start + secs(w.Start), End: start + secs(w.End)})
	}
	return out
}

func secs(f float64) time.Duration { return time.Duration(f * float64(time.Second)) }
