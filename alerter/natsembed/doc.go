// Package natsembed runs a NATS server with JetStream inside the earshot
// process, so a single binary needs no external broker. Its store lives under
// a data directory the caller chooses; its logs go to log/slog.
//
// The server always runs in operator (JWT) mode, trusting the operator of a
// natsauth.Authority: no client connects without credentials, and each user
// gets only its role's permissions. Server.Connect connects in-process as
// the service user. Optional TLS on the client listener (mutual TLS with a
// CA file).
//
// A watchdog follows the server's health: a stream write error (nats-server
// keeps a stream's first one, from a full disk say, until the stream is
// loaded again) is cleared by restarting JetStream in place once the disk
// has room (heal.go), and StreamWritable lets a sink refuse at once while it
// lasts. What every stream holds is written down every few seconds beside
// the store; at start it is compared with what the streams hold, so
// messages that nats-server drops silently when it finds a block truncated
// or garbled, or a stream that does not load, are reported (Losses,
// ledger.go) instead of passing for an empty stream.
//
// It must never call os.Exit, install signal handlers, start a server the
// caller cannot shut down (a failed start returns an error and leaves
// nothing running), start without authentication, or start on a JetStream
// store of another account (that would show empty streams), or delete or
// rewrite JetStream's files itself.
package natsembed
