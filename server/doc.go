// Package server is earshot's HTTP API: health and metrics, rooms fed by
// uploads or outside recognizers, and the alert log. Live protocols (WHIP)
// and web pages mount on the same mux.
//
// Every request body and query string is validated here and answered with a
// JSON error naming what is wrong; a handler must never panic on input and
// never answer 500 for a client's mistake.
package server
