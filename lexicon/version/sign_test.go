package version

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/earshot/earshot/internal/testutil"
	"github.com/nats-io/nats.go/jetstream"
	"github.com/nats-io/nkeys"
)

// errorLog collects error-level records.
type errorLog struct {
	mu   sync.Mutex
	msgs []string
}

func (l *errorLog) Enabled(_ context.Context, lv slog.Level) bool { return lv >= slog.LevelError }
func (l *errorLog) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { b.WriteString(" " + a.String()); return true })
	l.msgs = append(l.msgs, b.String())
	return nil
}
func (l *errorLog) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *errorLog) WithGroup(string) slog.Handler      { return l }
func (l *errorLog) count() int                         { l.mu.Lock(); defer l.mu.Unlock(); return len(l.msgs) }

func otherKeys(t *testing.T) *Keys {
	t.Helper()
	kp, _ := nkeys.CreateAccount()
	k, err := NewKeys(kp)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// forgeries are records someone with write access to the bucket (even the
// service user's creds) could put into "active" without the signing key.
func forgeries(t *testing.T, signed []byte) map[string][]byte {
	t.Helper()
	empty := Version{Number: 99, Name: "empty", YAML: "format: 1\nname: empty\nrules: []\n"}
	empty.Hash = Hash([]byte(empty.YAML))
	unsigned, _ := encode(empty)
	foreign, _ := otherKeys(t).seal(empty)
	// A real signature over another payload.
	env, err := readEnvelope(signed)
	if err != nil {
		t.Fatal(err)
	}
	env.Payload = []byte(strings.Replace(string(env.Payload), `"version":`, `"message":"x","version":`, 1))
	tampered, _ := encode(env)
	env.Sig = nil
	nosig, _ := encode(env)
	return map[string][]byte{
		"unsigned empty lexicon":  unsigned,
		"signed by another key":   foreign,
		"altered after signing":   tampered,
		"signature removed":       nosig,
		"not a record at all":     []byte("garbage"),
		"unknown envelope format": mustEncode(t, envelope{Format: "v9", Key: "A", Sig: []byte{1}, Payload: []byte("{}")}),
	}
}

func mustEncode(t *testing.T, v any) []byte {
	t.Helper()
	b, err := encode(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestForgedRecordsAreRefused: a record written straight into "active"
// is refused by every watcher, logged at error level and counted; the
// previous version stays live and keeps matching.
func TestForgedRecordsAreRefused(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	ns := startNATS(t)
	s := openStore(t, ns)
	if _, err := s.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "add-wechat")); err != nil {
		t.Fatal(err)
	}
	signed, err := s.KV().Get(ctx, keyActive)
	if err != nil {
		t.Fatal(err)
	}
	var logs errorLog
	var mu sync.Mutex
	var refusedRevs []uint64
	w, err := Watch(ctx, openStore(t, ns).KV(), WatchOptions{Keys: testKeys, Logger: slog.New(&logs),
		OnRefused: func(rev uint64, _ error) { mu.Lock(); refusedRevs = append(refusedRevs, rev); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	forged := forgeries(t, signed.Value())
	n := 0
	for name, data := range forged {
		t.Run(name, func(t *testing.T) {
			n++
			rev, err := s.KV().Put(ctx, keyActive, data)
			if err != nil {
				t.Fatal(err)
			}
			testutil.Eventually(t, 5*time.Second, func() error {
				if r := w.Refused(); r < uint64(n) {
					return fmt.Errorf("watcher did not refuse the record (refused %d)", r)
				}
				return nil
			})
			if c := w.Load(); c.Meta.Number != 1 || len(c.Engine.MatchText("please add wechat now")) != 1 {
				t.Fatalf("active changed to %d or stopped matching", c.Meta.Number)
			}
			mu.Lock()
			last := refusedRevs[len(refusedRevs)-1]
			mu.Unlock()
			if last != rev {
				t.Fatalf("OnRefused got revision %d, want %d", last, rev)
			}
			if _, err := CompileVersion(data, testKeys, s.opts.Compile); !errors.Is(err, ErrRefused) {
				t.Fatalf("CompileVersion: %v, want ErrRefused", err)
			}
			if _, err := s.Active(ctx); !errors.Is(err, ErrRefused) {
				t.Fatalf("Store.Active: %v, want ErrRefused", err)
			}
		})
	}
	if logs.count() < len(forged) {
		t.Fatalf("%d error logs for %d refused records", logs.count(), len(forged))
	}

	// A worker starting now runs the newest signed version, not the forgery.
	late, err := Watch(ctx, openStore(t, ns).KV(), WatchOptions{Keys: testKeys, Logger: testutil.Quiet()})
	if err != nil || late.Load().Meta.Number != 1 {
		t.Fatalf("late watcher: %v %+v", err, late)
	}
	// A watcher of another installation's key refuses everything.
	if _, err := Watch(ctx, s.KV(), WatchOptions{Keys: otherKeys(t), Logger: testutil.Quiet(), ReadyTimeout: 5 * time.Second}); !errors.Is(err, ErrRefused) {
		t.Fatalf("watcher with another key: %v, want ErrRefused", err)
	}
	// The API publishes over the forgery, numbered after its own last version.
	v, err := s.Publish(ctx, Draft{YAML: lexiconYAML("next", "add-wechat", "bank-transfer")})
	if err != nil || v.Number != 2 {
		t.Fatalf("publish over a forged active: %v %+v", err, v)
	}
	waitCtx, cancelWait := context.WithTimeout(ctx, 5*time.Second)
	defer cancelWait()
	if _, err := w.WaitFor(waitCtx, 2); err != nil {
		t.Fatalf("watcher did not take the signed version published over the forgery: %v", err)
	}
	// A planted archive record is refused too, and left out of the list.
	if _, err := s.KV().Put(ctx, archiveKey(1), forged["unsigned empty lexicon"]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Get(ctx, 1); !errors.Is(err, ErrRefused) {
		t.Fatalf("Get of a planted archive: %v", err)
	}
	if _, err := s.Rollback(ctx, 1, "mallory", "", false); !errors.Is(err, ErrRefused) {
		t.Fatalf("rollback to a planted archive: %v", err)
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 1 || list[0].Number != 2 {
		t.Fatalf("List: %v %+v", err, list)
	}
}

func TestVerifyOnlyNodeAndKeyRotation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ns := startNATS(t)
	old := openStore(t, ns)
	if _, err := old.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "r0")); err != nil {
		t.Fatal(err)
	}
	verifier, err := NewKeys(nil, testKeys.SigningKey())
	if err != nil {
		t.Fatal(err)
	}
	js, _ := jetstream.New(natsConn(t, ns))
	ro, err := Open(ctx, js, Options{Keys: verifier, Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Publish(ctx, Draft{YAML: lexiconYAML("x", "r1")}); !errors.Is(err, ErrCannotSign) {
		t.Fatalf("publish without a seed: %v", err)
	}
	w, err := Watch(ctx, ro.KV(), WatchOptions{Keys: verifier, Logger: testutil.Quiet()})
	if err != nil || w.Load().Meta.Number != 1 {
		t.Fatalf("verify-only watcher: %v", err)
	}
	// Rotation: the new key signs, the old one stays trusted meanwhile.
	kp, _ := nkeys.CreateAccount()
	rotated, err := NewKeys(kp, testKeys.SigningKey())
	if err != nil {
		t.Fatal(err)
	}
	nw, err := Open(ctx, js, Options{Keys: rotated, Logger: testutil.Quiet(), MaxDropShare: 1})
	if err != nil {
		t.Fatal(err)
	}
	if v, err := nw.Publish(ctx, Draft{YAML: lexiconYAML("rotated", "r2")}); err != nil || v.Number != 2 {
		t.Fatalf("publish with the rotated key: %v %+v", err, v)
	}
	if l, err := nw.List(ctx); err != nil || len(l) != 2 {
		t.Fatalf("list across the rotation: %v %+v", err, l)
	}
	if _, err := NewKeys(nil); err == nil {
		t.Fatal("keys with nothing to trust")
	}
	if _, err := NewKeys(nil, "not-a-key"); err == nil {
		t.Fatal("malformed trusted key accepted")
	}
}

// TestAdoptUnsigned: an active version written before versions were
// signed is signed again as the next number by the node whose key is new.
func TestAdoptUnsigned(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ns := startNATS(t)
	js, _ := jetstream.New(natsConn(t, ns))
	if _, err := ActiveSigner(ctx, js); !errors.Is(err, ErrEmpty) {
		t.Fatalf("ActiveSigner of no bucket: %v", err)
	}
	s := openStore(t, ns)
	if _, err := ActiveSigner(ctx, js); !errors.Is(err, ErrEmpty) {
		t.Fatalf("ActiveSigner of an empty bucket: %v", err)
	}
	yaml := lexiconYAML("legacy", "add-wechat")
	old := Version{Number: 3, Name: "legacy", Rules: 1, YAML: string(yaml), Hash: Hash(yaml)}
	if _, err := s.KV().Put(ctx, keyActive, mustEncode(t, old)); err != nil {
		t.Fatal(err)
	}
	if key, err := ActiveSigner(ctx, js); err != nil || key != "" {
		t.Fatalf("ActiveSigner of an unsigned record: %q %v", key, err)
	}
	v, adopted, err := s.AdoptUnsigned(ctx)
	if err != nil || !adopted || v.Number != 4 || v.Hash != old.Hash {
		t.Fatalf("AdoptUnsigned: %v %v %+v", err, adopted, v)
	}
	if key, err := ActiveSigner(ctx, js); err != nil || key != testKeys.SigningKey() {
		t.Fatalf("ActiveSigner after adoption: %q %v", key, err)
	}
	if _, again, err := s.AdoptUnsigned(ctx); err != nil || again {
		t.Fatalf("second AdoptUnsigned: %v %v", err, again)
	}
	w, err := Watch(ctx, s.KV(), WatchOptions{Keys: testKeys, Logger: testutil.Quiet()})
	if err != nil || w.Load().Meta.Number != 4 {
		t.Fatalf("watcher after adoption: %v", err)
	}
}
