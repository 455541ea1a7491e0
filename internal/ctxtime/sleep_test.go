package ctxtime_test

import (
	"context"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/ctxtime"
)

func TestSleep(t *testing.T) {
	ctx := context.Background()
	if !ctxtime.Sleep(ctx, time.Millisecond) {
		t.Error("a delay that passed reported false")
	}
	if !ctxtime.Sleep(ctx, 0) || !ctxtime.Sleep(ctx, -time.Second) {
		t.Error("no delay on a live context reported false")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if ctxtime.Sleep(cancelled, time.Hour) {
		t.Error("a cancelled context slept")
	}
	if ctxtime.Sleep(cancelled, 0) {
		t.Error("a cancelled context reported true with no delay")
	}
	// A context ended mid-sleep cuts it short.
	short, stop := context.WithTimeout(ctx, 10*time.Millisecond)
	defer stop()
	done := make(chan bool)
	go func() { done <- ctxtime.Sleep(short, time.Hour) }()
	select {
	case ok := <-done:
		if ok {
			t.Error("cut-short sleep reported true")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Sleep ignored its context's deadline")
	}
}

func ExampleSleep() {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for attempt := 1; ; attempt++ {
		if !ctxtime.Sleep(ctx, time.Duration(attempt)*100*time.Millisecond) {
			break // drained: stop retrying at once
		}
	}
}
