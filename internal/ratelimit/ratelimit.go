package ratelimit

import (
	"fmt"
	"math"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Rate is a sustained rate and a burst: a client may send Burst requests at
// once, then PerSecond a second.
type Rate struct {
	PerSecond float64
	Burst     int
}

// Validate refuses a rate that would refuse everything or is not a number.
func (r Rate) Validate() error {
	if math.IsNaN(r.PerSecond) || math.IsInf(r.PerSecond, 0) || r.PerSecond <= 0 {
		return fmt.Errorf("per_second %v: want a positive number", r.PerSecond)
	}
	if r.Burst < 1 {
		return fmt.Errorf("burst %d: want at least 1", r.Burst)
	}
	return nil
}

// Keyed is a bounded set of token buckets, one per key. It is safe for
// concurrent use.
type Keyed struct {
	rate    Rate
	buckets *lru.Cache[string, *rate.Limiter]
}

// New makes buckets of rate r for at most maxKeys keys (at least 1).
func New(r Rate, maxKeys int) (*Keyed, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	c, err := lru.New[string, *rate.Limiter](max(maxKeys, 1))
	if err != nil {
		return nil, err
	}
	return &Keyed{rate: r, buckets: c}, nil
}

// Allow takes one token from key's bucket at now. When the bucket is empty
// it takes nothing and returns false with how long until a token is there.
func (k *Keyed) Allow(key string, now time.Time) (ok bool, retryAfter time.Duration) {
	lim, found := k.buckets.Get(key)
	if !found {
		fresh := rate.NewLimiter(rate.Limit(k.rate.PerSecond), k.rate.Burst)
		// Another request of the same key may have added one meanwhile.
		if prev, had, _ := k.buckets.PeekOrAdd(key, fresh); had {
			lim = prev
		} else {
			lim = fresh
		}
	}
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return false, time.Second
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return false, d
	}
	return true, 0
}

// Len is how many keys have a bucket now.
func (k *Keyed) Len() int { return k.buckets.Len() }
