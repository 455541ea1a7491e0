// Package pump cuts a Source's converted 16 kHz PCM into fixed-size Chunks
// with exact stream-time offsets and, for sources that replay recorded
// audio, paces them against the wall clock.
//
// It is shared by the sources under ingest/ (wavfile, rawpcm, and any live
// source that wants fixed-size chunks). It must never read input or
// convert sample formats, and never sleep per chunk: pacing targets the
// wall-clock instant at which each chunk's end is due, so it cannot drift.
package pump
