package natsink

import (
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/nats-io/nats.go"
)

func TestAlertsSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	ctx := testutil.Context(t, 30*time.Second)
	srv := natstest.Start(t, dir)
	nc, err := srv.Connect()
	if err != nil {
		t.Fatal(err)
	}
	sink, err := New(ctx, nc, Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if err := sink.Send(ctx, hit("R1", "r", uint64(i))); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(); err != nil {
		t.Fatal(err)
	}
	nc.Close()
	if err := srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}

	srv2 := natstest.Start(t, dir)
	log, err := NewLog(natstest.InProcess(t, srv2, nats.MaxReconnects(0)), Options{Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := log.Alerts(ctx, Query{Room: "R1"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Utterance != 0 || got[2].Utterance != 2 {
		t.Fatalf("after restart read %d alerts: %+v", len(got), got)
	}
}

func TestQuery(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	var mid time.Time
	for i := range 10 {
		a := hit("R1", "r", uint64(i))
		if i%2 == 1 {
			a.Category = "private-goods"
		}
		if i == 6 {
			a.Room = "R2"
		}
		// Stream timestamps are real time; remember a point between
		// the 5th and 6th alert for Since.
		if i == 5 {
			mid = time.Now()
		}
		if err := e.sink.Send(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name string
		q    Query
		want []uint64
	}{
		{"room", Query{Room: "R2"}, []uint64{6}},
		{"all, newest last", Query{}, []uint64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"limit keeps newest", Query{Room: "R1", Limit: 3}, []uint64{7, 8, 9}},
		{"category", Query{Room: "R1", Category: "private-goods"}, []uint64{1, 3, 5, 7, 9}},
		{"since", Query{Room: "R1", Since: mid}, []uint64{5, 7, 8, 9}},
		{"nothing", Query{Room: "R9"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := e.sink.Alerts(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			var utts []uint64
			for _, a := range got {
				utts = append(utts, a.Utterance)
			}
			if !equal(utts, tt.want) {
				t.Fatalf("utterances %v, want %v", utts, tt.want)
			}
		})
	}
}

func TestQuerySkipsForeignMessages(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	if err := e.nc.Publish(alerter.AlertSubject("x", "R1"), []byte("not json")); err != nil {
		t.Fatal(err)
	}
	if err := e.sink.Send(ctx, hit("R1", "r", 1)); err != nil {
		t.Fatal(err)
	}
	got, err := e.sink.Alerts(ctx, Query{Room: "R1"})
	if err != nil || len(got) != 1 {
		t.Fatalf("got %d alerts, err %v", len(got), err)
	}
}

func TestNoConsumersLeftBehind(t *testing.T) {
	e := newEnv(t, Options{})
	ctx := testutil.Context(t, 30*time.Second)
	if err := e.sink.Send(ctx, hit("R1", "r", 1)); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := e.sink.Alerts(ctx, Query{Room: "R1"}); err != nil {
			t.Fatal(err)
		}
	}
	st, err := e.sink.js.Stream(ctx, alerter.AlertStream)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Consumers != 0 {
		t.Fatalf("%d read consumers left", info.State.Consumers)
	}
}

func TestRing(t *testing.T) {
	tests := []struct {
		size, push int
		want       []uint64
	}{
		{3, 0, nil},
		{3, 2, []uint64{0, 1}},
		{3, 3, []uint64{0, 1, 2}},
		{3, 7, []uint64{4, 5, 6}},
		{1, 4, []uint64{3}},
	}
	for _, tt := range tests {
		r := newRing[alerter.Alert](tt.size)
		for i := range tt.push {
			r.push(alerter.Alert{Utterance: uint64(i)})
		}
		var got []uint64
		for _, a := range r.slice() {
			got = append(got, a.Utterance)
		}
		if !equal(got, tt.want) {
			t.Errorf("size %d push %d: %v, want %v", tt.size, tt.push, got, tt.want)
		}
	}
}

func equal(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
