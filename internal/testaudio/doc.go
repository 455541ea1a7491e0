// Package testaudio holds what several packages' tests need to feed and
// check audio: reading an Ogg Opus file into RTP-sized packets, and
// measuring how much of a signal's energy is one tone.
//
// It is for tests only (ingest/whip, ingest/whep, e2e): production code
// must never import it. It must never write files or start processes.
package testaudio
