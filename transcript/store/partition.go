package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/util"
	segment "github.com/blevesearch/scorch_segment_api/v2"
	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// ErrDamaged marks a partition whose files bleve cannot read: it is
// quarantined, not served.
var ErrDamaged = errors.New("transcript partition damaged")

// bleveIndex names the embedded index: bleve.Index has a method Index,
// which an embedded field of that name would hide.
type bleveIndex = bleve.Index

// partition is one day's index. It wraps the bleve index so that a panic
// while searching it becomes an error: the alias searches every partition on
// a goroutine of its own, where nothing else could recover it, and bleve
// panics on some damaged segments instead of returning an error.
type partition struct {
	bleveIndex
	day string
	// damaged is told about a panic; it quarantines the partition.
	damaged func(day string, err error)
}

func (p *partition) SearchInContext(ctx context.Context, req *bleve.SearchRequest) (res *bleve.SearchResult, err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %s: searching: %v", ErrDamaged, p.day, v)
			res = nil
			p.damaged(p.day, err)
		}
	}()
	return p.bleveIndex.SearchInContext(ctx, req)
}

// batch applies b, turning a bleve panic into an error.
func (p *partition) batch(b *bleve.Batch) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: %s: writing: %v", ErrDamaged, p.day, v)
		}
	}()
	return p.Batch(b)
}

// openIndex opens the index at path (or, with create, makes it when path
// does not exist), turning a bleve panic on a damaged file into ErrDamaged.
// An existing index is checked first (preflight).
func openIndex(path string, create bool) (idx bleve.Index, err error) {
	defer func() {
		if v := recover(); v != nil {
			idx, err = nil, fmt.Errorf("%w: opening %s: %v", ErrDamaged, path, v)
		}
	}()
	if _, statErr := os.Stat(path); create && errors.Is(statErr, os.ErrNotExist) {
		return bleve.NewUsing(path, newMapping(), scorch.Name, scorch.Name, nil)
	}
	if err := preflight(path); err != nil {
		return nil, err
	}
	return bleve.Open(path)
}

// closeIndex closes idx; a panic from a damaged index is an error.
func closeIndex(idx bleve.Index) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: closing: %v", ErrDamaged, v)
		}
	}()
	return idx.Close()
}

// verify checks the CRC-32 that zap keeps in every segment's footer against
// the segment's bytes, for each segment the index's current snapshot uses.
// Most flipped bytes go unnoticed by bleve (it reads what it finds), and a
// few make it panic at some later search; this finds both at once. Segments
// not yet persisted and leftovers no snapshot refers to are not read.
func verify(ctx context.Context, idx bleve.Index) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("%w: verifying: %v", ErrDamaged, v)
		}
	}()
	adv, err := idx.Advanced()
	if err != nil {
		return err
	}
	sc, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil // not a scorch index: nothing to check
	}
	r, err := sc.Reader()
	if err != nil {
		return err
	}
	defer r.Close() // the snapshot keeps its files from being removed meanwhile
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil
	}
	for _, ss := range snap.Segments() {
		if err := ctx.Err(); err != nil {
			return err
		}
		ps, ok := ss.Segment().(segment.PersistedSegment)
		if !ok {
			continue
		}
		if err := checkSegmentCRC(ps.Path()); err != nil {
			return err
		}
	}
	return nil
}

// checkSegmentCRC compares a zap file's footer CRC (its last 4 bytes, big
// endian) with the CRC-32 (IEEE) of everything before it.
func checkSegmentCRC(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() < 4 {
		return fmt.Errorf("%w: segment %s is %d bytes long", ErrDamaged, path, fi.Size())
	}
	h := crc32.NewIEEE()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, fi.Size()-4)); err != nil {
		return err
	}
	var tail [4]byte
	if _, err := f.ReadAt(tail[:], fi.Size()-4); err != nil {
		return err
	}
	if got, want := h.Sum32(), binary.BigEndian.Uint32(tail[:]); got != want {
		return fmt.Errorf("%w: segment %s: checksum %08x, footer says %08x", ErrDamaged, path, got, want)
	}
	return nil
}

// preflight checks, before bleve opens the index at path, that the newest
// snapshot its root.bolt records can be loaded whole: every segment it
// names exists and ends in a footer of the snapshot's segment version. Bleve
// itself, finding a segment missing or cut short, quietly loads an older
// snapshot (or none: an empty index) and marks the newer ones for removal,
// so a damaged day would silently lose its records.
func preflight(path string) (err error) {
	defer func() {
		if v := recover(); v != nil { // bbolt panics on some damaged pages
			err = fmt.Errorf("%w: reading %s: %v", ErrDamaged, path, v)
		}
	}()
	dir := filepath.Join(path, "store")
	boltPath := filepath.Join(dir, "root.bolt")
	if _, err := os.Stat(boltPath); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: %s is missing", ErrDamaged, boltPath)
		}
		return err
	}
	db, err := bolt.Open(boltPath, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) || os.IsPermission(err) {
			return fmt.Errorf("transcript store: %s: %w", boltPath, err)
		}
		return fmt.Errorf("%w: %s: %v", ErrDamaged, boltPath, err)
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		snaps := tx.Bucket(util.BoltSnapshotsBucket)
		if snaps == nil {
			return nil // nothing persisted yet
		}
		c := snaps.Cursor()
		k, v := c.Last()
		for k != nil && (v != nil || string(k) == string(util.BoltTrainerKey)) {
			k, v = c.Prev() // not a snapshot bucket
		}
		if k == nil {
			return nil
		}
		snap := snaps.Bucket(k)
		meta := snap.Bucket(util.BoltMetaDataKey)
		if meta == nil {
			return fmt.Errorf("%w: %s: newest snapshot has no metadata", ErrDamaged, boltPath)
		}
		ver := meta.Get(util.BoltMetaDataSegmentVersionKey)
		if len(ver) < 4 { // a uint32, big endian, in a buffer of binary.MaxVarintLen32
			return fmt.Errorf("%w: %s: newest snapshot has no segment version", ErrDamaged, boltPath)
		}
		return snap.ForEach(func(k, v []byte) error {
			if v != nil || len(k) == 0 || k[0] == util.BoltInternalKey[0] || k[0] == util.BoltMetaDataKey[0] {
				return nil // a value, internal data or metadata: not a segment
			}
			seg := snap.Bucket(k)
			p := seg.Get(util.BoltPathKey)
			if len(p) == 0 {
				return fmt.Errorf("%w: %s: a segment of the newest snapshot has no path", ErrDamaged, boltPath)
			}
			return checkFooter(filepath.Join(dir, filepath.Base(string(p))), binary.BigEndian.Uint32(ver))
		})
	})
}

// checkFooter checks that the zap file at path is there and its footer
// names version: a missing or truncated segment fails here, cheaply; the
// full checksum is verify's job.
func checkFooter(path string, version uint32) error {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("%w: segment %s is missing", ErrDamaged, path)
		}
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	const minFooter = 36 // crc, version, chunk mode, three offsets, id length
	if fi.Size() < minFooter {
		return fmt.Errorf("%w: segment %s is %d bytes long", ErrDamaged, path, fi.Size())
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], fi.Size()-8); err != nil {
		return err
	}
	if got := binary.BigEndian.Uint32(tail[:4]); got != version {
		return fmt.Errorf("%w: segment %s: footer says version %d, the snapshot %d (truncated or overwritten?)",
			ErrDamaged, path, got, version)
	}
	return nil
}
