// Package openai is a transcript.Recognizer for OpenAI-compatible
// transcription servers (whisper.cpp's server, faster-whisper servers, and
// others): each voice-activity-bounded utterance is sent as a WAV file to
// POST {base}/v1/audio/transcriptions with response_format=verbose_json and
// timestamp_granularities[]=word, and the answer becomes the utterance's
// final hypothesis. Optionally the growing utterance is re-sent every
// Config.PartialEvery to get partials (off by default: it multiplies load).
//
// Requests share one concurrency limit per Recognizer, each has a timeout,
// and 5xx, 429 and network errors are retried with exponential backoff.
//
// It must never stop a room's pipeline because the server misbehaved
// (errors are logged and counted, the utterance dropped), never retry a 4xx
// other than 429, and never send an API key anywhere but Config.BaseURL.
package openai
