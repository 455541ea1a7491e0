// Package testaudio holds what several packages' tests need to feed and
// check audio: reading an Ogg Opus file into RTP-sized packets, and
// measuring how much of a signal's energy is one tone (ToneShare) and how
// loud that tone is (ToneAmplitude), both by Goertzel's recurrence.
//
// It is for tests only (ingest/..., e2e): production code
// must never import it. It must never write files or start processes.
package testaudio
