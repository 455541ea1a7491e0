// Package natsembed runs a NATS server with JetStream inside the earshot
// process, so a single binary needs no external broker. Its store lives under
// a data directory the caller chooses; its logs go to log/slog.
//
// It must never call os.Exit, install signal handlers, or start a server
// the caller cannot shut down: a failed start returns an error and leaves
// nothing running.
package natsembed
