// Package ring keeps the last stretch (say 30 s) of a room's 16 kHz mono
// audio, indexed by stream time, so that an alert can carry the clip it
// was raised on and a recognizer can be given the pre-roll before a speech
// start.
//
// One goroutine (the pipeline) writes Chunks; any number of others (HTTP
// handlers) read clips at the same time. Reads copy out, so a clip stays
// valid after the buffer moves on. WriteWAV and SaveWAV store a clip as a
// 16 kHz mono 16-bit WAV.
//
// This package must never block a writer on a slow reader for longer than
// a copy of the requested clip, never grow beyond its capacity, and never
// return audio other than what was written at the asked stream times.
package ring
