// Package ingest turns a broadcast's audio, whatever its origin, into 16 kHz
// mono signed 16-bit PCM with stream-time offsets, and marks where speech
// starts and ends.
//
// Every origin (a WAV file, a WHIP session, an ffmpeg pull) is a Source; each
// kind lives in its own sub-package so that adding one touches one folder.
// Sources never block on what comes after them: the pipeline decides what to
// do with audio it cannot keep up with.
//
// This package must never know about recognizers, rules or alerts.
package ingest
