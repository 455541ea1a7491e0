package pcgbench

import (
	"context"
	"encoding/binary"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/synadia-io/orbit.go/pcgroups"

	"github.com/earshot/earshot/internal/natstest"
)

const (
	partitions = 8
	rooms      = 1000
)

// consumerConfig is the template every variant gets, as close to
// cluster/utt's scan consumers as pcgroups allows (explicit acks, 5 s ack
// wait, 2048 pending).
func consumerConfig() jetstream.ConsumerConfig {
	return jetstream.ConsumerConfig{
		AckPolicy: jetstream.AckExplicitPolicy, AckWait: 5 * time.Second,
		MaxAckPending: 2048, DeliverPolicy: jetstream.DeliverAllPolicy,
	}
}

// sink counts deliveries and records each message's publish-to-handler
// latency (the publish time travels in the payload).
type sink struct {
	n    int64
	got  atomic.Int64
	lat  []time.Duration
	done chan struct{}
	once sync.Once
}

func newSink(n int) *sink {
	return &sink{n: int64(n), lat: make([]time.Duration, n), done: make(chan struct{})}
}

func (s *sink) handle(m jetstream.Msg) {
	d := time.Since(time.Unix(0, int64(binary.BigEndian.Uint64(m.Data()))))
	_ = m.Ack()
	i := s.got.Add(1) - 1
	if i < s.n {
		s.lat[i] = d
	}
	if i+1 == s.n {
		s.once.Do(func() { close(s.done) })
	}
}

// variant sets up one way of consuming subject prefix's messages into
// handle, and returns the subject rooms publish on (with one %d for the
// room) and a stop.
type variant func(ctx context.Context, b *testing.B, js jetstream.JetStream, name string, handle func(jetstream.Msg)) (string, func())

// mapping is cluster/utt's design: the stream's own subject transform
// stores <name>.<room> as <name>.p.<partition>.<room>; one durable pull
// consumer per partition.
func mapping(ctx context.Context, b *testing.B, js jetstream.JetStream, name string, handle func(jetstream.Msg)) (string, func()) {
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: name, Subjects: []string{subj(name) + ".in.*"}, Storage: jetstream.FileStorage,
		SubjectTransform: &jetstream.SubjectTransformConfig{
			Source: subj(name) + ".in.*", Destination: fmt.Sprintf("%s.p.{{partition(%d,1)}}.{{wildcard(1)}}", subj(name), partitions),
		},
	}); err != nil {
		b.Fatal(err)
	}
	var ccs []jetstream.ConsumeContext
	for p := range partitions {
		cfg := consumerConfig()
		cfg.Durable, cfg.FilterSubject = fmt.Sprintf("p%d", p), fmt.Sprintf("%s.p.%d.*", subj(name), p)
		c, err := js.CreateOrUpdateConsumer(ctx, name, cfg)
		if err != nil {
			b.Fatal(err)
		}
		cc, err := c.Consume(handle)
		if err != nil {
			b.Fatal(err)
		}
		ccs = append(ccs, cc)
	}
	return subj(name) + ".in.room-%d", stopAll(ccs)
}

// stopAll stops every consumer of a variant.
func stopAll[T interface{ Stop() }](ccs []T) func() {
	return func() {
		for _, cc := range ccs {
			cc.Stop()
		}
	}
}

// subj is the subject prefix of stream name, under earshot.> where the
// service user may publish.
func subj(name string) string { return "earshot.bench." + name }

func members() []string {
	var m []string
	for p := range partitions {
		m = append(m, fmt.Sprintf("m%d", p))
	}
	return m
}

// static is a pcgroups static group: the stream's transform puts the
// partition first (<partition>.<name>.<room>, what static groups require),
// 8 members of one partition each, each a pinned priority-group consumer.
func static(ctx context.Context, b *testing.B, js jetstream.JetStream, name string, handle func(jetstream.Msg)) (string, func()) {
	createStatic(ctx, b, js, name, members())
	var ccs []pcgroups.ConsumerGroupConsumeContext
	for _, m := range members() {
		cc, err := pcgroups.StaticConsume(ctx, js, name, "cg", m, handle, consumerConfig())
		if err != nil {
			b.Fatal(err)
		}
		ccs = append(ccs, cc)
	}
	return subj(name) + ".in.room-%d", stopAll(ccs)
}

// createStatic makes the stream of a static group (the partition as the
// first stored token) and the group with members over all partitions.
func createStatic(ctx context.Context, b *testing.B, js jetstream.JetStream, name string, members []string) {
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: name, Subjects: []string{subj(name) + ".in.*"}, Storage: jetstream.FileStorage,
		SubjectTransform: &jetstream.SubjectTransformConfig{
			Source: subj(name) + ".in.*", Destination: fmt.Sprintf("{{partition(%d,1)}}.%s.{{wildcard(1)}}", partitions, subj(name)),
		},
	}); err != nil {
		b.Fatal(err)
	}
	if _, err := pcgroups.CreateStatic(ctx, js, name, "cg", partitions, []string{">"}, members, nil); err != nil {
		b.Fatal(err)
	}
}

// elastic is a pcgroups elastic group: the stream has plain room subjects;
// pcgroups sources it into a work-queue stream that adds the partition,
// with members added through its KV config.
func elastic(ctx context.Context, b *testing.B, js jetstream.JetStream, name string, handle func(jetstream.Msg)) (string, func()) {
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{
		Name: name, Subjects: []string{subj(name) + ".*"}, Storage: jetstream.FileStorage,
	}); err != nil {
		b.Fatal(err)
	}
	filters := []pcgroups.PartitioningFilter{{Filter: subj(name) + ".*", PartitioningWildcards: []int{1}}}
	if _, err := pcgroups.CreateElastic(ctx, js, name, "cg", partitions, filters, 10_000_000, 0); err != nil {
		b.Fatal(err)
	}
	if _, err := pcgroups.AddMembers(ctx, js, name, "cg", members()); err != nil {
		b.Fatal(err)
	}
	var ccs []pcgroups.ConsumerGroupConsumeContext
	for _, m := range members() {
		cc, err := pcgroups.ElasticConsume(ctx, js, name, "cg", m, handle, consumerConfig())
		if err != nil {
			b.Fatal(err)
		}
		ccs = append(ccs, cc)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		active, err := pcgroups.ListElasticActiveMembers(ctx, js, name, "cg")
		if err == nil && len(active) == partitions {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("elastic: %d of %d members active (err %v)", len(active), partitions, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return subj(name) + ".room-%d", stopAll(ccs)
}

// BenchmarkPartitionedConsume: one op is one hypothesis-sized message
// published on one of 1,000 room subjects and delivered, acked, to the
// consumer of its partition. Reports delivered msgs/s and publish-to-handler
// latency p50/p99 with all b.N messages in flight as fast as the publisher
// goes (so latency includes queueing: compare variants, not absolutes).
func BenchmarkPartitionedConsume(b *testing.B) {
	srv := natstest.Start(b, "")
	nc := natstest.Service(b, srv)
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncMaxPending(2048))
	if err != nil {
		b.Fatal(err)
	}
	seq := 0
	for _, v := range []struct {
		name string
		run  variant
	}{{"mapping", mapping}, {"pcgroups-static", static}, {"pcgroups-elastic", elastic}} {
		b.Run(v.name, func(b *testing.B) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			seq++
			s := newSink(b.N)
			subject, stop := v.run(ctx, b, js, fmt.Sprintf("B%d", seq), s.handle)
			defer stop()
			payload := make([]byte, 200) // about one JSON hypothesis
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				binary.BigEndian.PutUint64(payload, uint64(time.Now().UnixNano()))
				if _, err := js.PublishAsync(fmt.Sprintf(subject, i%rooms), slices.Clone(payload)); err != nil {
					b.Fatal(err)
				}
			}
			select {
			case <-s.done:
			case <-ctx.Done():
				b.Fatalf("%d of %d delivered", s.got.Load(), b.N)
			}
			el := time.Since(start)
			b.StopTimer()
			slices.Sort(s.lat)
			b.ReportMetric(float64(b.N)/el.Seconds(), "msgs/s")
			b.ReportMetric(float64(s.lat[len(s.lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(s.lat[len(s.lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
