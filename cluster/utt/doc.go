// Package utt is the utterance stream: the NATS JetStream boundary between
// ingest (recognition, platform transcripts, the utterances API) and the
// scan and index roles of `earshot serve`.
//
// Every hypothesis, partial or final, is one JSON message (Message, schema
// in docs/scaling.md) on earshot.utt.<room>. The stream EARSHOT_UTT stores
// it under earshot.uttp.<partition>.<room>, the partition computed by the
// server's subject transform partition(N,1), so all hypotheses of a room
// fall into one partition and one consumer at a time scans them in order.
// Bus is the pipeline.Bus of serve: it publishes asynchronously with
// batched acks and an id per hypothesis (the Nats-Msg-Id of a final; a
// partial's in Earshot-Id, so the stream keeps no duplicate record of
// it and the scan role skips its repeats), and routes the scanner's
// answers (alerts accepted, flush confirmations) back to the session on
// earshot.scanned.<bus id>. Scan consumes partitions into a
// pipeline.Scanner, acknowledging in batches (AckAll, acks.go);
// Index consumes finals into the transcript store. A
// message that fails validation goes to earshot.dlq.utt (stream
// EARSHOT_DLQ) with the reason in the Earshot-Reason header and is acked:
// it never blocks its partition.
//
// This package must never match text or store alerts itself: the Scanner
// and the Sink do; it must never hold a hypothesis only in memory once its
// publish was acknowledged.
package utt
