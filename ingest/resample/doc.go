// Package resample converts interleaved PCM of any common sample rate and
// channel count into the 16 kHz mono signed 16-bit PCM that every ingest
// Source emits.
//
// A Converter downmixes (channel average), then resamples with a
// Kaiser-windowed sinc polyphase filter whose pass band ends near 6.5 kHz
// and whose stop band (about -70 dB) starts below 8 kHz, so content above
// the 16 kHz Nyquist frequency does not fold back into speech. It keeps its
// state between calls, so splitting the input into chunks of any size gives
// exactly the same output as converting it in one piece. 16 kHz input is
// passed through unfiltered (bit-exact for mono int16).
//
// This package must never read files or sockets, spawn goroutines or know
// about stream time: callers own I/O and offsets. A Converter is not safe
// for concurrent use; use one per stream.
package resample
