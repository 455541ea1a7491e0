package webhook

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRetryAfter caps a receiver's Retry-After: a receiver cannot park a
// delivery for longer than this.
const maxRetryAfter = time.Hour

// Backoff is the delay before the attempt after a failed one: d doubles
// from Min up to Max with every attempt, and the delay is drawn from
// [d/2, d] ("equal jitter"), so receivers recovering from an outage are
// not hit by every sender at once, while the schedule keeps a known
// minimum length.
type Backoff struct {
	Min, Max time.Duration
}

// Delay is the delay after the attempt-th failed attempt (from 1).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.ceiling(attempt)
	return d/2 + rand.N(d/2+1)
}

// ceiling is the delay before jitter.
func (b Backoff) ceiling(attempt int) time.Duration {
	d := b.Min
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return max(min(d, b.Max), time.Millisecond)
}

// MinSpan is the shortest time attempts tries take from the first
// attempt to the last (every delay at its lower bound).
func (b Backoff) MinSpan(attempts int) time.Duration {
	var s time.Duration
	for i := 1; i < attempts; i++ {
		s += b.ceiling(i) / 2
	}
	return s
}

// retryAfter reads a Retry-After header (seconds or an HTTP date) as a
// delay from now; ok is false when there is none or it cannot be read.
func retryAfter(h string, now time.Time) (time.Duration, bool) {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0, false
	}
	var d time.Duration
	if n, err := strconv.ParseInt(h, 10, 64); err == nil {
		if n < 0 {
			return 0, false
		}
		d = time.Duration(min(n, int64(maxRetryAfter/time.Second))) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	} else {
		return 0, false
	}
	return min(max(d, 0), maxRetryAfter), true
}
