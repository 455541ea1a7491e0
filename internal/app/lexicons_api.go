package app

import (
	"context"
	"time"

	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/server"
)

// Active is the version compiled and in force on this worker, which may
// trail the bucket by the time a watch update takes.
func (l *lexicons) Active(ctx context.Context) (version.Version, error) {
	c := l.watcher.Load()
	if c == nil {
		return version.Version{}, version.ErrEmpty
	}
	v, err := l.store.Get(ctx, c.Meta.Number)
	if err != nil {
		return c.Meta, nil
	}
	return v, nil
}

func (l *lexicons) Versions(ctx context.Context) ([]version.Summary, error) {
	return l.store.List(ctx)
}

func (l *lexicons) Version(ctx context.Context, n int) (version.Version, error) {
	return l.store.Get(ctx, n)
}

// Publish stores d and answers once this worker runs it, so a client that
// publishes and then reads /v1/lexicons/active sees what it published.
func (l *lexicons) Publish(ctx context.Context, d version.Draft) (version.Version, error) {
	v, err := l.store.Publish(ctx, d)
	if err == nil {
		l.awaitActive(ctx, v.Number)
	}
	return v, err
}

// Rollback republishes version n and, like Publish, answers once it runs.
func (l *lexicons) Rollback(ctx context.Context, n int, author, message string, force bool) (version.Version, error) {
	v, err := l.store.Rollback(ctx, n, author, message, force)
	if err == nil {
		l.awaitActive(ctx, v.Number)
	}
	return v, err
}

// activeWait bounds how long a publish waits for the local swap: the
// version is already durable, so past this the answer is still right, only
// possibly ahead of this worker.
const activeWait = 5 * time.Second

// awaitActive waits, woken by the watch, until this worker's active version
// is at least n.
func (l *lexicons) awaitActive(ctx context.Context, n int) {
	ctx, cancel := context.WithTimeout(ctx, activeWait)
	defer cancel()
	_, _ = l.watcher.WaitFor(ctx, n) // timed out or stopped: answer anyway, see activeWait
}

func (l *lexicons) Audit(ctx context.Context) ([]version.AuditEntry, error) {
	return l.store.Audit(ctx)
}

func (l *lexicons) Check(file string, yaml []byte) (*lexicon.Lexicon, *lexicon.Engine, error) {
	return l.store.Check(file, yaml)
}

func (l *lexicons) Live() *lexicon.Engine {
	if c := l.watcher.Load(); c != nil {
		return c.Engine
	}
	return nil
}

func (l *lexicons) Backtest(ctx context.Context, yaml []byte, draft *lexicon.Engine, from, to time.Time) (*backtest.Report, error) {
	l.mu.Lock()
	src, disp, cluster := l.transcripts, l.dispositions, l.cluster
	l.mu.Unlock()
	live := l.watcher.Load()
	if live == nil {
		return nil, version.ErrEmpty
	}
	if cluster != nil { // backtest_cluster.go: every index node's share
		return l.backtestCluster(ctx, cluster, live, yaml, disp, from, to)
	}
	if src == nil {
		return nil, server.ErrNoTranscripts
	}
	return backtest.Run(ctx, src, live, draft, from, to, backtest.Options{Dispositions: disp})
}
