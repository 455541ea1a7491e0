package utt

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/earshot/earshot/cluster/lease"
)

// Lease keys of the scan role in its bucket.
const (
	nodeKeyPrefix = "node."
	partKeyPrefix = "p."
)

// PartitionKey is the lease key of partition p.
func PartitionKey(p int) string { return partKeyPrefix + strconv.Itoa(p) }

// OnLeaseLost is the lease.Options.OnLost of the scan role's table: a lost
// partition stops being consumed at once.
func (s *Scan) OnLeaseLost(key string) {
	if p, ok := partitionOf(key); ok {
		s.Release(p)
	}
}

func partitionOf(key string) (int, bool) {
	if !strings.HasPrefix(key, partKeyPrefix) {
		return 0, false
	}
	p, err := strconv.Atoi(key[len(partKeyPrefix):])
	return p, err == nil
}

// Balance shares the partitions among the live scanners until ctx ends:
// every tick it keeps this scanner's presence claim, counts the scanners,
// takes free partitions up to its fair share (ceil(partitions/scanners))
// and gives back partitions above it, so a scanner that joins gets work
// and one that dies (its claims expire) has its partitions taken over.
// Hypotheses of a partition are only consumed while its claim is held.
func (s *Scan) Balance(ctx context.Context, t *lease.Table, holder string, tick time.Duration) {
	for {
		s.balanceOnce(ctx, t, holder)
		select {
		case <-ctx.Done():
			return
		case <-time.After(tick):
		}
	}
}

func (s *Scan) balanceOnce(ctx context.Context, t *lease.Table, holder string) {
	if _, err := t.TryTake(ctx, nodeKeyPrefix+holder); err != nil {
		s.opts.Logger.Warn("scanner presence not renewed", "err", err)
		return
	}
	nodes, err := t.Claims(ctx, nodeKeyPrefix)
	if err != nil || len(nodes) == 0 {
		return
	}
	share := (s.opts.Partitions + len(nodes) - 1) / len(nodes)
	var mine []int
	for _, k := range t.Held() {
		if p, ok := partitionOf(k); ok {
			mine = append(mine, p)
		}
	}
	for len(mine) > share { // a scanner joined: give one back per tick
		p := mine[len(mine)-1]
		mine = mine[:len(mine)-1]
		s.Release(p) // stop consuming before the claim goes
		_ = t.Release(ctx, PartitionKey(p))
		break
	}
	for _, p := range mine {
		if err := s.Own(ctx, p); err != nil {
			s.opts.Logger.Warn("partition claimed but not consumed", "partition", p, "err", err)
		}
	}
	for p := 0; p < s.opts.Partitions && len(mine) < share; p++ {
		if slices.Contains(mine, p) {
			continue
		}
		ok, err := t.TryTake(ctx, PartitionKey(p))
		if err != nil || !ok {
			continue
		}
		if t.Holds(PartitionKey(p)) {
			mine = append(mine, p)
			if err := s.Own(ctx, p); err != nil {
				s.opts.Logger.Warn("partition claimed but not consumed", "partition", p, "err", err)
			}
		}
	}
}
