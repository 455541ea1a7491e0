// Package webhook delivers earshot's events to HTTP endpoints, signed and
// durably: the api role's half of "wiring earshot into your platform".
//
// Events are read from the streams they are already recorded in
// (EARSHOT_ALERTS and EARSHOT_EVENTS) by one shared durable consumer per
// stream (the fan-out). For each endpoint that wants an event, the fan-out
// writes a delivery record (KV bucket EARSHOT_WEBHOOK_DELIVERIES) and a
// job into the work-queue stream EARSHOT_WEBHOOKS, on the endpoint's own
// subject earshot.webhook.<endpoint>. Each endpoint has its own durable
// consumer of that subject, shared by every api node, so each job is sent
// by one node at a time; an attempt that fails is retried by JetStream
// (NakWithDelay with an exponential, jittered delay, or the receiver's
// Retry-After; AckWait takes a job back from a node that died mid-attempt;
// MaxDeliver bounds the redeliveries), so a restart loses no delivery and
// keeps its retry schedule. Endpoints added with the API live in the KV
// bucket EARSHOT_WEBHOOK_ENDPOINTS, watched by every node; those of the
// config file are known to every node from its own config.
//
// Isolation: the fan-out only writes to JetStream, never to the network,
// and each endpoint's backlog is capped per subject (DiscardNewPerSubject),
// so a slow or dead receiver delays neither other receivers nor anything
// else (reminders never pass through here at all).
//
// This package must never dial a webhook URL except through the
// netguard.Policy it is given, never follow a redirect, never log or
// return a stored secret (the API shows a generated secret once, when it
// is created), and never acknowledge an event to the source streams
// before its jobs are stored.
package webhook
