package alerter

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"strconv"
	"time"
)

// crockford is Crockford's base32 alphabet; it sorts like the values it encodes.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewID returns a 26-character id in ULID layout: 48 bits of Unix
// milliseconds then 80 random bits, Crockford base32. Ids sort by time to the
// millisecond; ids within one millisecond are in random order.
func NewID(t time.Time) string {
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], uint64(t.UnixMilli())<<16)
	_, _ = rand.Read(b[6:]) // crypto/rand.Read never fails (Go >= 1.24)
	return encode128(b)
}

func encode128(b [16]byte) string {
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}

// DedupKey is the stable Nats-Msg-Id of an alert: the same room, session,
// rule and utterance give the same key, so a hit seen on a partial
// transcript and again on the final one is stored once, while a new session
// that numbers its utterances from 1 again is not mistaken for a duplicate.
func DedupKey(a Alert) string {
	h := sha256.New()
	h.Write([]byte(a.Room))
	h.Write([]byte{0})
	h.Write([]byte(a.Session))
	h.Write([]byte{0})
	h.Write([]byte(a.RuleID))
	h.Write([]byte{0})
	h.Write([]byte(strconv.FormatUint(a.Utterance, 10)))
	return "hit-" + hex.EncodeToString(h.Sum(nil)[:16])
}
