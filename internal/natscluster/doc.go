// Package natscluster runs a real NATS JetStream cluster for tests: N
// nats-server processes built from the module in go.mod, clustered on
// loopback, in JWT operator mode with an earshot authority's accounts
// (the same permissions as production), each of which a test may kill -9.
//
// It is for tests only: production code must never import it.
package natscluster
