// Package tts synthesizes English speech for tests and demos: it drives the
// flite, festival (HTS) and espeak-ng command-line synthesizers, converts
// their output with sox to what the pipeline ingests (16 kHz mono 16-bit
// WAV), concatenates clips with silences while reporting where each clip
// landed, and adds white noise at a chosen signal-to-noise ratio.
//
// It is a test and demo helper: production code must never import it, and
// it must never download voices, run a shell, or write anywhere but the
// paths it is given and its own temporary directories.
package tts
