// Package natstest gives tests a real embedded NATS server with
// authentication on (Start), and connections as any earshot user
// (service, anchor of a room, compliance; in-process as the service), so
// no test connects anonymously and every test exercises the permissions
// production runs with. It is the one way tests start a NATS server.
//
// It is for tests only: production code must never import it.
package natstest
