package wavfile

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/earshot/earshot/ingest/resample"
)

// Errors that Open and NewReader wrap, so callers (such as an upload
// handler) can tell a bad request from an unsupported one.
var (
	ErrNotWAV      = errors.New("not a WAV file")
	ErrUnsupported = errors.New("unsupported WAV format")
	ErrMalformed   = errors.New("malformed WAV")
	ErrTruncated   = errors.New("truncated WAV")
	ErrEmpty       = errors.New("WAV has no audio")
)

// Format describes a WAV file's audio.
type Format struct {
	SampleRate int
	Channels   int
	BitDepth   int
	// Frames is the number of sample frames (one sample per channel).
	Frames int64
}

// Duration is the audio's length.
func (f Format) Duration() time.Duration {
	return time.Duration(f.Frames) * time.Second / time.Duration(f.SampleRate)
}

func (f Format) String() string {
	return fmt.Sprintf("%d Hz, %d ch, %d-bit, %v", f.SampleRate, f.Channels, f.BitDepth, f.Duration())
}

// header is what the preflight walk learns.
type header struct {
	Format
	blockAlign int
	dataOffset int64
}

// Limits of the preflight walk.
const (
	maxFmtSize  = 1 << 10
	maxMetaSize = 1 << 20 // a LIST or smpl chunk, which the decoder loads whole
	unknownSize = 0xFFFFFFFF
)

// WAVE format tags (RFC 2361, mmreg.h).
const (
	tagPCM        = 0x0001
	tagFloat      = 0x0003
	tagExtensible = 0xFFFE
)

var tagNames = map[uint16]string{
	0x0002: "MS ADPCM", 0x0006: "A-law", 0x0007: "µ-law", 0x0011: "IMA ADPCM",
	0x0031: "GSM 6.10", 0x0050: "MPEG", 0x0055: "MP3", 0x0161: "WMA", 0x2000: "AC-3",
}

// readHeader walks the RIFF chunks of r up to the data chunk.
func readHeader(r io.ReadSeeker) (*header, error) {
	size, err := r.Seek(0, io.SeekEnd)
	if err != nil {
		return nil, fmt.Errorf("find size: %w", err)
	}
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("rewind: %w", err)
	}
	if err := checkRIFF(r, size); err != nil {
		return nil, err
	}
	w := &walker{r: r, size: size, pos: 12}
	return w.walk()
}

func checkRIFF(r io.Reader, size int64) error {
	if size == 0 {
		return fmt.Errorf("%w: the file is empty", ErrEmpty)
	}
	var b [12]byte
	if n, err := io.ReadFull(r, b[:]); err != nil {
		return fmt.Errorf("%w: %d bytes, shorter than a RIFF header", ErrNotWAV, n)
	}
	switch id := string(b[:4]); {
	case id == "RIFX" || id == "RF64":
		return fmt.Errorf("%w: %s container (only little-endian RIFF)", ErrUnsupported, id)
	case id != "RIFF":
		return fmt.Errorf("%w: starts with %q, not \"RIFF\"", ErrNotWAV, b[:4])
	case string(b[8:12]) != "WAVE":
		return fmt.Errorf("%w: RIFF form %q, not \"WAVE\"", ErrNotWAV, b[8:12])
	}
	return nil
}

type walker struct {
	r         io.ReadSeeker
	size, pos int64
	h         *header
}

func (w *walker) walk() (*header, error) {
	for {
		var b [8]byte
		if _, err := io.ReadFull(w.r, b[:]); err != nil {
			return nil, w.missing()
		}
		w.pos += 8
		id, n := string(b[:4]), int64(binary.LittleEndian.Uint32(b[4:]))
		switch id {
		case "fmt ":
			if err := w.readFmt(n); err != nil {
				return nil, err
			}
		case "data":
			return w.data(n)
		default:
			if err := w.skip(id, n); err != nil {
				return nil, err
			}
		}
	}
}

func (w *walker) missing() error {
	if w.h == nil {
		return fmt.Errorf("%w: no fmt chunk", ErrMalformed)
	}
	return fmt.Errorf("%w: no data chunk", ErrMalformed)
}

func (w *walker) skip(id string, n int64) error {
	padded := n + n&1
	if w.pos+padded > w.size {
		return fmt.Errorf("%w: chunk %q claims %d bytes, %d remain", ErrTruncated, id, n, w.size-w.pos)
	}
	if id == "LIST" || id == "smpl" {
		return w.checkMeta(id, n, padded)
	}
	if _, err := w.r.Seek(padded, io.SeekCurrent); err != nil {
		return fmt.Errorf("skip chunk %q: %w", id, err)
	}
	w.pos += padded
	return nil
}

// checkMeta reads a LIST or smpl chunk, which the decoder loads whole and,
// for LIST, allocates each entry's claimed size: both must stay small.
func (w *walker) checkMeta(id string, n, padded int64) error {
	if n > maxMetaSize {
		return fmt.Errorf("%w: %q chunk of %d bytes (at most %d)", ErrMalformed, id, n, maxMetaSize)
	}
	b := make([]byte, padded)
	if _, err := io.ReadFull(w.r, b); err != nil {
		return fmt.Errorf("%w: chunk %q cut short", ErrTruncated, id)
	}
	w.pos += padded
	if id != "LIST" || n < 4 || string(b[:4]) != "INFO" {
		return nil
	}
	return checkInfo(b[4:n])
}

// checkInfo checks that each INFO entry fits in its LIST chunk.
func checkInfo(b []byte) error {
	for len(b) >= 8 {
		size := int64(binary.LittleEndian.Uint32(b[4:]))
		if size > int64(len(b)-8) {
			return fmt.Errorf("%w: LIST entry %q claims %d bytes, %d remain", ErrMalformed, b[:4], size, len(b)-8)
		}
		b = b[min(8+size+size&1, int64(len(b))):]
	}
	return nil
}

func (w *walker) readFmt(n int64) error {
	if w.h != nil {
		return fmt.Errorf("%w: second fmt chunk", ErrMalformed)
	}
	if n < 16 || n > maxFmtSize {
		return fmt.Errorf("%w: fmt chunk of %d bytes (want 16..%d)", ErrMalformed, n, maxFmtSize)
	}
	b := make([]byte, n+n&1)
	if _, err := io.ReadFull(w.r, b); err != nil {
		return fmt.Errorf("%w: fmt chunk cut short", ErrTruncated)
	}
	w.pos += int64(len(b))
	h, err := parseFmt(b[:n])
	w.h = h
	return err
}

// parseFmt decodes a WAVEFORMATEX (or WAVEFORMATEXTENSIBLE) and checks it.
func parseFmt(b []byte) (*header, error) {
	le := binary.LittleEndian
	tag := le.Uint16(b[0:])
	if tag == tagExtensible && len(b) >= 40 {
		tag = le.Uint16(b[24:]) // first two bytes of the SubFormat GUID
	}
	h := &header{Format: Format{
		Channels:   int(le.Uint16(b[2:])),
		SampleRate: int(le.Uint32(b[4:])),
		BitDepth:   int(le.Uint16(b[14:])),
	}, blockAlign: int(le.Uint16(b[12:]))}
	return h, h.check(tag)
}

func (h *header) check(tag uint16) error {
	switch {
	case tag == tagFloat:
		return fmt.Errorf("%w: IEEE float samples (only integer PCM)", ErrUnsupported)
	case tag == tagExtensible:
		return fmt.Errorf("%w: WAVE_FORMAT_EXTENSIBLE with a short fmt chunk", ErrMalformed)
	case tag != tagPCM && tagNames[tag] != "":
		return fmt.Errorf("%w: compressed format %s (tag 0x%04x; only integer PCM)", ErrUnsupported, tagNames[tag], tag)
	case tag != tagPCM:
		return fmt.Errorf("%w: unknown format tag 0x%04x (only integer PCM)", ErrUnsupported, tag)
	case h.Channels == 0:
		return fmt.Errorf("%w: fmt chunk declares zero channels", ErrMalformed)
	case h.Channels > resample.MaxChannels:
		return fmt.Errorf("%w: %d channels (at most %d)", ErrUnsupported, h.Channels, resample.MaxChannels)
	case h.SampleRate < resample.MinRate || h.SampleRate > resample.MaxRate:
		return fmt.Errorf("%w: sample rate %d Hz (want %d..%d)", ErrUnsupported, h.SampleRate, resample.MinRate, resample.MaxRate)
	case h.BitDepth != 8 && h.BitDepth != 16 && h.BitDepth != 24 && h.BitDepth != 32:
		return fmt.Errorf("%w: %d-bit samples (want 8, 16, 24 or 32)", ErrUnsupported, h.BitDepth)
	case h.blockAlign != h.Channels*h.BitDepth/8:
		return fmt.Errorf("%w: block align %d, want %d for %d ch × %d bit", ErrMalformed, h.blockAlign, h.Channels*h.BitDepth/8, h.Channels, h.BitDepth)
	}
	return nil
}

// data records where the samples are. A size of 0 or 0xFFFFFFFF with bytes
// following is the streaming writers' "unknown length": read to the end.
func (w *walker) data(n int64) (*header, error) {
	if w.h == nil {
		return nil, fmt.Errorf("%w: data chunk before fmt chunk", ErrMalformed)
	}
	rest := w.size - w.pos
	switch {
	case (n == unknownSize || n == 0) && rest > 0:
		n = rest
	case n > rest:
		return nil, fmt.Errorf("%w: data chunk declares %d bytes, %d remain", ErrTruncated, n, rest)
	}
	w.h.dataOffset = w.pos
	w.h.Frames = n / int64(w.h.blockAlign)
	if w.h.Frames == 0 {
		return nil, fmt.Errorf("%w: data chunk holds no complete sample frame", ErrEmpty)
	}
	return w.h, nil
}
