package e2e

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/earshot/earshot/alerter/natsauth"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/config"
	"github.com/earshot/earshot/internal/natstest"
	"github.com/earshot/earshot/internal/testutil"
)

// openFDs counts this process's open descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatalf("counting descriptors: %v", err)
	}
	return len(ents)
}

// slowClient opens a connection, sends head and then one byte of trickle
// every 100 ms until the server answers or hangs up; it returns the
// status line ("" when the server closed without one).
func slowClient(addr, head, trickle string, deadline time.Time) (string, error) {
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(deadline)
	if _, err := c.Write([]byte(head)); err != nil {
		return "", err
	}
	status := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(c).ReadString('\n')
		status <- strings.TrimSpace(line)
	}()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case s := <-status:
			return s, nil
		case <-tick.C:
			if _, err := c.Write([]byte{trickle[i%len(trickle)]}); err != nil {
				return <-status, nil
			}
		}
	}
}

// TestSlowClientsDoNotExhaustDescriptors: 200 clients that send their
// headers, or their upload, a byte at a time hold at most
// http.limits.max_connections descriptors of the server; uploads beyond
// max_uploads are refused at once with 503; every slow client is cut by a
// timeout; and the server answers normally afterwards.
func TestSlowClientsDoNotExhaustDescriptors(t *testing.T) {
	const clients, maxConns, maxUploads = 200, 40, 4
	svc := startService(t, func(c *config.Config) {
		c.Recognizer.Engine = "none"
		c.HTTP.Limits.MaxConnections = maxConns
		c.HTTP.Limits.MaxUploads = maxUploads
		c.HTTP.Limits.ReadHeaderTimeout = config.Duration(time.Second)
		c.HTTP.Limits.BodyIdleTimeout = config.Duration(time.Second)
		c.HTTP.Limits.UploadTimeout = config.Duration(2 * time.Second)
	})
	addr := svc.HTTPAddr()
	// The uploads are a platform's (an ingest token), so they reach the
	// upload slots rather than a 401.
	auth := "Host: " + addr + "\r\nAuthorization: Bearer " + mint(t, svc, api.RoleIngest, "") + "\r\n"
	phases := []struct {
		name, head, trickle string
	}{
		{"slow headers", "GET /v1/rooms HTTP/1.1\r\n" + auth, "X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"},
		{"slow uploads", "POST /v1/rooms/slow/audio HTTP/1.1\r\n" + auth + "Content-Type: audio/wav\r\nContent-Length: 1000000\r\n\r\nRIFF", "\x00"},
	}
	for _, ph := range phases {
		t.Run(ph.name, func(t *testing.T) {
			base := openFDs(t)
			var wg sync.WaitGroup
			var peak atomic.Int64
			statuses := make(chan string, clients)
			deadline := time.Now().Add(60 * time.Second)
			stop := make(chan struct{})
			sampled := make(chan struct{})
			go func() { // sample while the clients hold on
				defer close(sampled)
				for {
					if n := int64(openFDs(t)); n > peak.Load() {
						peak.Store(n)
					}
					select {
					case <-stop:
						return
					case <-time.After(10 * time.Millisecond):
					}
				}
			}()
			for i := range clients {
				wg.Go(func() {
					head := strings.Replace(ph.head, "/slow/", fmt.Sprintf("/slow-%d/", i), 1)
					s, err := slowClient(addr, head, ph.trickle, deadline)
					if err != nil {
						s = "error: " + err.Error()
					}
					statuses <- s
				})
			}
			wg.Wait()
			close(stop)
			<-sampled
			close(statuses)
			count := map[string]int{}
			for s := range statuses {
				count[s]++
			}
			t.Logf("%s: descriptors %d before, peak %d; answers %v", ph.name, base, peak.Load(), count)
			// The clients' own sockets are in this process too: at most
			// clients of theirs, maxConns of the server's, a few of the
			// service's own (NATS, the store).
			if limit := int64(base + clients + maxConns + 30); peak.Load() > limit {
				t.Errorf("peak of %d descriptors, want at most %d (%d before, %d clients, max_connections %d)",
					peak.Load(), limit, base, clients, maxConns)
			}
			for s, n := range count {
				if strings.HasPrefix(s, "error") {
					t.Errorf("%d clients: %s", n, s)
				}
			}
			if ph.name == "slow uploads" {
				// Uploads that find the slots taken are refused at once;
				// those that get a slot (some after waiting for a
				// connection) are cut when they run past upload_timeout.
				busy, cut := count["HTTP/1.1 503 Service Unavailable"], count["HTTP/1.1 408 Request Timeout"]
				if busy+cut != clients || busy < clients/2 || cut < maxUploads {
					t.Errorf("answers %v, want every upload refused with 503 (most) or cut with 408 (at least max_uploads %d)", count, maxUploads)
				}
			}
		})
	}
	admin := apiClient(t, svc)
	testutil.Eventually(t, 10*time.Second, func() error {
		_, err := admin.Rooms(context.Background())
		return err
	})
}

// TestEveryStreamBounded: every JetStream stream and KV bucket the service
// makes (alerts, lexicon versions, dispositions, cooldowns, the cluster's
// hypotheses and leases) is bounded in bytes, so no stream can fill the
// disk by itself; a new stream without MaxBytes fails this test.
func TestEveryStreamBounded(t *testing.T) {
	svc := startService(t, func(c *config.Config) { c.Recognizer.Engine = "none" })
	js, err := jetstream.New(natstest.Connect(t, svc.NATSURL(), svc.NATSAuth(), natsauth.Service()))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	names := js.StreamNames(ctx)
	n := 0
	for name := range names.Name() {
		n++
		s, err := js.Stream(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		if c := s.CachedInfo().Config; c.MaxBytes <= 0 {
			t.Errorf("stream %s has no MaxBytes (max_age %v, max_msgs %d)", name, c.MaxAge, c.MaxMsgs)
		}
	}
	if err := names.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 3 {
		t.Fatalf("only %d streams: the service should have made the alert stream and its buckets", n)
	}
}
