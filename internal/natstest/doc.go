// Package natstest gives tests a real embedded NATS server with
// authentication on, and connections as any earshot user (service,
// anchor of a room, compliance), so no test connects anonymously and every
// test exercises the permissions production runs with.
//
// It is for tests only: production code must never import it.
package natstest
