package version

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestPublishNeedsForce: a version with no rules, or one dropping more
// than MaxDropShare of the live rules, is refused with ErrNeedsForce (and
// audited as rejected) unless forced; a rollback to such a version too.
func TestPublishNeedsForce(t *testing.T) {
	ctx := context.Background()
	s := openStore(t, startNATS(t), func(o *Options) { o.MaxDropShare = DefaultMaxDropShare })
	if _, err := s.Bootstrap(ctx, "seed.yaml", lexiconYAML("seed", "a-a", "b-b", "c-c", "d-d")); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name  string
		rules []string
		force bool
		needs string // "" publishes
	}{
		{"no rules", nil, false, "no rules"},
		{"three of four dropped", []string{"a-a", "x-x"}, false, "drops 3 of the 4"},
		{"half dropped is allowed", []string{"a-a", "b-b", "x-x"}, false, ""},
		// live is now a-a b-b x-x
		{"no rules, forced", nil, true, ""},
		{"back to rules from none", []string{"a-a"}, false, ""},
	}
	for _, st := range steps {
		_, err := s.Publish(ctx, Draft{YAML: lexiconYAML("seed", st.rules...), Author: "ann", Force: st.force})
		switch {
		case st.needs == "" && err != nil:
			t.Fatalf("%s: %v", st.name, err)
		case st.needs != "" && (!errors.Is(err, ErrNeedsForce) || !strings.Contains(err.Error(), st.needs)):
			t.Fatalf("%s: %v, want ErrNeedsForce naming %q", st.name, err, st.needs)
		}
	}
	// Live is a-a (version 4); version 1 had four rules: rolling back adds
	// rules and needs no force. Version 3 (no rules) needs force.
	if _, err := s.Rollback(ctx, 1, "bob", "", false); err != nil {
		t.Fatalf("rollback to the seed: %v", err)
	}
	if _, err := s.Rollback(ctx, 3, "bob", "", false); !errors.Is(err, ErrNeedsForce) {
		t.Fatalf("rollback to the empty version: %v, want ErrNeedsForce", err)
	}
	if _, err := s.Rollback(ctx, 3, "bob", "", true); err != nil {
		t.Fatalf("forced rollback: %v", err)
	}
	audit, err := s.Audit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rejected := 0
	for _, e := range audit {
		if e.Action == "rejected" && strings.Contains(e.Message, "force") {
			rejected++
		}
	}
	if rejected != 3 {
		t.Fatalf("%d refusals audited, want 3: %+v", rejected, audit)
	}
}
