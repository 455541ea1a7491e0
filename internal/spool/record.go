package spool

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"sort"
	"time"

	"github.com/nats-io/nats.go"
)

// A record on disk: magic, payload length (uint32 LE), CRC-32C of the
// payload (uint32 LE), payload. The payload: spool time (int64 LE, Unix
// nanoseconds), subject, headers, data (length-prefixed with uvarints but
// for data, which is the rest).
var magic = [4]byte{'E', 'S', 'P', '1'}

const (
	headerLen = 12
	// MaxRecord bounds one record; a larger length in a header is damage.
	MaxRecord = 8 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Record is one spooled message.
type Record struct {
	Msg *nats.Msg
	// At is when it was spooled.
	At time.Time
}

func encode(m *nats.Msg, at time.Time) ([]byte, error) {
	var p bytes.Buffer
	var b [binary.MaxVarintLen64]byte
	uv := func(v uint64) { p.Write(b[:binary.PutUvarint(b[:], v)]) }
	str := func(s string) { uv(uint64(len(s))); p.WriteString(s) }
	_ = binary.Write(&p, binary.LittleEndian, at.UnixNano())
	str(m.Subject)
	keys := make([]string, 0, len(m.Header))
	for k := range m.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	uv(uint64(len(keys)))
	for _, k := range keys {
		str(k)
		uv(uint64(len(m.Header[k])))
		for _, v := range m.Header[k] {
			str(v)
		}
	}
	p.Write(m.Data)
	if p.Len() > MaxRecord {
		return nil, fmt.Errorf("spool: message on %s is %d bytes, more than a record holds (%d)", m.Subject, p.Len(), MaxRecord)
	}
	out := make([]byte, headerLen, headerLen+p.Len())
	copy(out, magic[:])
	binary.LittleEndian.PutUint32(out[4:], uint32(p.Len()))
	binary.LittleEndian.PutUint32(out[8:], crc32.Checksum(p.Bytes(), castagnoli))
	return append(out, p.Bytes()...), nil
}

var errDamaged = errors.New("damaged record")

func decode(payload []byte) (Record, error) {
	r := bytes.NewReader(payload)
	var nanos int64
	if err := binary.Read(r, binary.LittleEndian, &nanos); err != nil {
		return Record{}, errDamaged
	}
	str := func() (string, error) {
		n, err := binary.ReadUvarint(r)
		if err != nil || n > uint64(r.Len()) {
			return "", errDamaged
		}
		s := make([]byte, n)
		_, _ = io.ReadFull(r, s)
		return string(s), nil
	}
	subject, err := str()
	if err != nil {
		return Record{}, err
	}
	m := nats.NewMsg(subject)
	nk, err := binary.ReadUvarint(r)
	if err != nil || nk > uint64(r.Len()) {
		return Record{}, errDamaged
	}
	for range nk {
		k, err := str()
		if err != nil {
			return Record{}, err
		}
		nv, err := binary.ReadUvarint(r)
		if err != nil || nv > uint64(r.Len())+1 {
			return Record{}, errDamaged
		}
		for range nv {
			v, err := str()
			if err != nil {
				return Record{}, err
			}
			m.Header[k] = append(m.Header[k], v) // as stored: no canonicalising
		}
	}
	m.Data = make([]byte, r.Len())
	_, _ = io.ReadFull(r, m.Data)
	return Record{Msg: m, At: time.Unix(0, nanos)}, nil
}

// readAt reads the record at off (ending before end): the record and its
// length on disk, or errDamaged.
func readAt(f io.ReaderAt, off, end int64) (Record, int64, error) {
	if end-off < headerLen {
		return Record{}, 0, errDamaged
	}
	var h [headerLen]byte
	if _, err := f.ReadAt(h[:], off); err != nil {
		return Record{}, 0, errDamaged
	}
	n := int64(binary.LittleEndian.Uint32(h[4:]))
	if !bytes.Equal(h[:4], magic[:]) || n > MaxRecord || off+headerLen+n > end {
		return Record{}, 0, errDamaged
	}
	payload := make([]byte, n)
	if _, err := f.ReadAt(payload, off+headerLen); err != nil {
		return Record{}, 0, errDamaged
	}
	if crc32.Checksum(payload, castagnoli) != binary.LittleEndian.Uint32(h[8:]) {
		return Record{}, 0, errDamaged
	}
	rec, err := decode(payload)
	return rec, headerLen + n, err
}

// findMagic is the offset of the next magic at or after off, or end.
func findMagic(f io.ReaderAt, off, end int64) int64 {
	buf := make([]byte, 64<<10)
	for off < end {
		n, _ := f.ReadAt(buf[:min(int64(len(buf)), end-off)], off)
		if n == 0 {
			return end
		}
		if i := bytes.Index(buf[:n], magic[:]); i >= 0 {
			return off + int64(i)
		}
		if n < len(magic) {
			return end
		}
		off += int64(n - len(magic) + 1) // a magic across the chunk boundary
	}
	return end
}

// scanResult is what scan found between two offsets.
type scanResult struct {
	next     int64 // where the scan stopped (end, or after the last record fn took)
	lastGood int64 // the end of the last good record (or the start)
	damaged  int   // damaged stretches skipped
}

// scan calls fn with each good record between off and end and its end
// offset, skipping damage (resyncing on the next magic), until fn returns
// false.
func scan(f io.ReaderAt, off, end int64, fn func(Record, int64) bool) scanResult {
	res := scanResult{next: off, lastGood: off}
	inDamage := false
	for off < end {
		rec, n, err := readAt(f, off, end)
		if err != nil {
			if !inDamage {
				res.damaged++
				inDamage = true
			}
			off = findMagic(f, off+1, end)
			res.next = off
			continue
		}
		inDamage = false
		off += n
		res.next, res.lastGood = off, off
		if !fn(rec, off) {
			return res
		}
	}
	return res
}
