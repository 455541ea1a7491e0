package utt

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// NATS names of the utterance stream.
// pullExpiry is how long one pull request of the scan and index consumers
// waits at the server. A pull the server forgot (JetStream restarted after a
// write error, a server restarted) is noticed by its missed heartbeats, at
// half this; the default 30 s would leave the partition unscanned that long.
const pullExpiry = 2 * time.Second

const (
	// Stream stores every hypothesis.
	Stream = "EARSHOT_UTT"
	// SubjectPrefix is where hypotheses are published: earshot.utt.<room>.
	SubjectPrefix = "earshot.utt"
	// StoredPrefix is where the stream keeps them:
	// earshot.uttp.<partition>.<room>.
	StoredPrefix = "earshot.uttp"
	// DLQStream keeps messages that failed validation.
	DLQStream = "EARSHOT_DLQ"
	// DLQSubject receives them, with the reason in HeaderReason.
	DLQSubject = "earshot.dlq.utt"
	// ScannedPrefix carries the scanners' answers to a bus:
	// earshot.scanned.<bus id>.
	ScannedPrefix = "earshot.scanned"

	// HeaderReply names the subject the scanner answers on.
	HeaderReply = "Earshot-Reply"
	// HeaderReplyAll asks for an answer even when there is no alert.
	HeaderReplyAll = "Earshot-Reply-All"
	// HeaderFlush marks a flush: no hypothesis; the scanner answers once
	// everything before it in the partition is scanned and ends the
	// session's state.
	HeaderFlush = "Earshot-Flush"
	// HeaderID is a partial hypothesis' id, <room>:<session>:<n> as a
	// final's Nats-Msg-Id (n counts the session's messages). A partial
	// carries it instead of a Nats-Msg-Id so the stream keeps no duplicate
	// record of it (two thirds of all ids at 2 partials a final): the scan
	// role drops a partial whose n is not above the last one it scanned of
	// the session (Scan.handle), and the index role reads finals only.
	HeaderID = "Earshot-Id"
	// HeaderReason says why a message went to the dead-letter subject.
	HeaderReason = "Earshot-Reason"
	// HeaderSubject is the subject the dead message was stored under.
	HeaderSubject = "Earshot-Subject"
)

// Subject is earshot.utt.<room>; room must be a valid room id.
func Subject(room string) string { return SubjectPrefix + "." + room }

// PartitionFilter is the stored subjects of partition p.
func PartitionFilter(p int) string { return StoredPrefix + "." + strconv.Itoa(p) + ".*" }

// StreamOptions shape the streams.
type StreamOptions struct {
	// Partitions splits rooms over scanners; it is part of the stream's
	// subject transform, so every node of a cluster must agree. Default 8.
	Partitions int
	// Replicas of the streams (3 in a cluster); default 1.
	Replicas int
	// MaxAge keeps hypotheses this long; default 24 h. Finals live on in
	// the transcript store.
	MaxAge time.Duration
	// Duplicates is the Nats-Msg-Id window; default 2 minutes.
	Duplicates time.Duration
	// MaxBytes bounds the hypotheses stream on disk (the oldest dropped
	// beyond it, as past MaxAge); DLQMaxBytes bounds EARSHOT_DLQ. 0 is no
	// bound: the service sizes them (internal/app).
	MaxBytes, DLQMaxBytes int64
}

func (o StreamOptions) withDefaults() StreamOptions {
	if o.Partitions <= 0 {
		o.Partitions = 8
	}
	if o.Replicas <= 0 {
		o.Replicas = 1
	}
	if o.MaxAge <= 0 {
		o.MaxAge = 24 * time.Hour
	}
	if o.Duplicates <= 0 {
		o.Duplicates = 2 * time.Minute
	}
	return o
}

// EnsureStreams creates or updates EARSHOT_UTT and EARSHOT_DLQ.
func EnsureStreams(ctx context.Context, js jetstream.JetStream, o StreamOptions) error {
	o = o.withDefaults()
	utt := jetstream.StreamConfig{
		Name:        Stream,
		Description: "earshot hypotheses: published on earshot.utt.<room>, stored as earshot.uttp.<partition>.<room>",
		Subjects:    []string{SubjectPrefix + ".*"},
		SubjectTransform: &jetstream.SubjectTransformConfig{
			Source:      SubjectPrefix + ".*",
			Destination: fmt.Sprintf("%s.{{partition(%d,1)}}.{{wildcard(1)}}", StoredPrefix, o.Partitions),
		},
		Storage: jetstream.FileStorage, Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld,
		MaxAge: o.MaxAge, Duplicates: o.Duplicates, Replicas: o.Replicas, MaxBytes: o.MaxBytes,
	}
	if _, err := js.CreateOrUpdateStream(ctx, utt); err != nil {
		return fmt.Errorf("utt: ensure stream %s: %w", Stream, err)
	}
	dlq := jetstream.StreamConfig{
		Name:        DLQStream,
		Description: "earshot messages that failed validation, with the reason in Earshot-Reason",
		Subjects:    []string{"earshot.dlq.>"},
		Storage:     jetstream.FileStorage, Retention: jetstream.LimitsPolicy, Discard: jetstream.DiscardOld,
		MaxAge: 7 * 24 * time.Hour, MaxMsgs: 100_000, MaxBytes: o.DLQMaxBytes, Replicas: o.Replicas,
	}
	if _, err := js.CreateOrUpdateStream(ctx, dlq); err != nil {
		return fmt.Errorf("utt: ensure stream %s: %w", DLQStream, err)
	}
	return nil
}
