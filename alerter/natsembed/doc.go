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
// It must never call os.Exit, install signal handlers, start a server the
// caller cannot shut down (a failed start returns an error and leaves
// nothing running), start without authentication, or start on a JetStream
// store of another account (that would show empty streams).
package natsembed
