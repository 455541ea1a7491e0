// Package rawpcm is the ingest Source for headerless signed 16-bit
// little-endian PCM read from an io.Reader: standard input
// (`earshot scan -`) or an ffmpeg pipe (`ffmpeg ... -f s16le -`). The
// caller states the sample rate and channel count; the audio is converted
// to 16 kHz mono Chunks with exact stream-time offsets.
//
// It emits audio as soon as it is read (no waiting for a full chunk's worth
// beyond what the reader returns is needed for pacing), so a live pipe
// keeps its latency. It must never guess the format, never close the
// reader it was given, and never keep reading after its context is
// cancelled: a reader with SetReadDeadline (pipes, os.Stdin, net.Conn) is
// interrupted; any other reader is checked between reads.
package rawpcm
