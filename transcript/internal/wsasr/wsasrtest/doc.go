// Package wsasrtest is the behaviour test shared by the WebSocket
// recognizers (vosk, sherpa), run against their fakes in fakeasr: finals
// with word times, server endpoints, garbage, stalls, partials, several
// utterances per stream, unreachable servers, bad URLs.
//
// It is for tests only and must never be imported by production code.
package wsasrtest
