// Package wavfile is the ingest Source for WAV files and uploaded WAV
// bodies: integer PCM of 8, 16, 24 or 32 bits, any sample rate from 1 kHz
// to 384 kHz and up to 64 channels, converted to 16 kHz mono Chunks with
// exact stream-time offsets, either as fast as possible or paced like a
// live stream.
//
// Samples are decoded with github.com/go-audio/wav. Because that decoder
// trusts the sizes in a file's headers (it allocates what a chunk header
// claims, and accepts any format code), every input is first checked by a
// bounded RIFF walk of its own: the format must be integer PCM (plain or
// WAVE_FORMAT_EXTENSIBLE), the fmt chunk must come before the data chunk,
// and no chunk may claim more bytes than the file holds. What fails is
// reported with an error wrapping ErrNotWAV, ErrUnsupported, ErrMalformed,
// ErrTruncated or ErrEmpty that names what is wrong.
//
// This package must never panic on any input, never allocate more than a
// small multiple of the file's size, and never keep reading after its
// context is cancelled.
package wavfile
