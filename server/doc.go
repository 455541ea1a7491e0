// Package server is earshot's HTTP API: health and metrics, rooms fed by
// uploads or outside recognizers, and the alert log. Live protocols (WHIP)
// and web pages share the same mux.
//
// The contract is package api's: the server registers its handlers against
// api.Routes (server.go), answers errors with codes of api.Errors, and
// converts its records into api's wire types (wire_*.go). A handler must
// never answer a route, an error code or a JSON body the api package does
// not define.
//
// Every request body and query string is validated here and answered with a
// JSON error naming what is wrong; a handler must never panic on input and
// never answer 500 for a client's mistake.
package server
