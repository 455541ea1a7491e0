package natsink

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
)

// BenchmarkSend compares Send (JetStream file store, waits for the ack, then
// a core reminder) with a plain core NATS publish of the same alert JSON to a
// subject no stream captures (fire and forget, one Flush at the end).
// Run: go test -run '^$' -bench Send -benchtime 2000x ./alerter/natsink/
func BenchmarkSend(b *testing.B) {
	b.Run("jetstream", func(b *testing.B) {
		e := newEnv(b, Options{Now: time.Now})
		ctx := context.Background()
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			if err := e.sink.Send(ctx, hit("R1", "r", uint64(i))); err != nil {
				b.Fatal(err)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "alerts/s")
	})
	b.Run("core", func(b *testing.B) {
		e := newEnv(b, Options{})
		b.ReportAllocs()
		b.ResetTimer()
		for i := range b.N {
			a := alerter.Fill(hit("R1", "r", uint64(i)), time.Now())
			data, err := json.Marshal(a)
			if err != nil {
				b.Fatal(err)
			}
			// A subject outside the stream, so the server does not store it.
			if err := e.nc.Publish(alerter.ReminderSubject(a.Room), data); err != nil {
				b.Fatal(err)
			}
		}
		if err := e.nc.Flush(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "alerts/s")
	})
}
