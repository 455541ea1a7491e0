package utt

import (
	"strconv"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
)

// HeaderTruncated on a dead letter gives the size of the refused body
// when only its start fit beside the headers.
const HeaderTruncated = "Earshot-Truncated"

// MaxReasonBytes bounds the reason on a dead letter. A reason quotes what
// it refused (an unknown field's name, the text after a syntax error), and
// a publisher controls that: a 600 KB field name made a 600 KB reason, and
// with the body beside it the dead letter was larger than the server takes,
// so it was dropped instead of kept.
const MaxReasonBytes = 1024

// deadLetter is the message that keeps a refused one on DLQSubject: its
// body, its reason (cut to MaxReasonBytes) and the subject it was stored
// under. A body that does not fit under maxPayload beside the headers is
// cut and its size given in HeaderTruncated, so every refused message is
// kept with its reason (a body at the server's limit leaves no room for
// the headers).
func deadLetter(subject string, data []byte, hdr nats.Header, reason string, maxPayload int64) *nats.Msg {
	d := nats.NewMsg(DLQSubject)
	d.Header.Set(HeaderReason, cut(reason, MaxReasonBytes))
	d.Header.Set(HeaderSubject, subject)
	if id := refOf(hdr); id != "" {
		d.Header.Set(nats.MsgIdHdr, "dlq:"+cut(id, MaxReasonBytes))
	}
	d.Data = data
	// The headers' wire size, with room for the truncation header and the
	// protocol line; the server counts headers and body against its limit.
	room := maxPayload - int64(headerBytes(d.Header)) - 256
	if maxPayload > 0 && int64(len(data)) > room {
		d.Header.Set(HeaderTruncated, strconv.Itoa(len(data)))
		d.Data = data[:max(room, 0)]
	}
	return d
}

func headerBytes(h nats.Header) int {
	n := len("NATS/1.0\r\n\r\n")
	for k, vs := range h {
		for _, v := range vs {
			n += len(k) + len(": \r\n") + len(v)
		}
	}
	return n
}

// cut shortens s to at most n bytes on a rune boundary, marking the cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	const mark = "..."
	i := n - len(mark)
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return s[:i] + mark
}
