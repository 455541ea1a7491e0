package testutil

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestEventuallyWaitsForTheCondition(t *testing.T) {
	n := 0
	Eventually(t, 5*time.Second, func() error {
		if n++; n < 3 {
			return fmt.Errorf("try %d", n)
		}
		return nil
	})
	if n != 3 {
		t.Errorf("called %d times, want 3", n)
	}
}

// fakeT records Fatalf instead of ending the test.
type fakeT struct {
	testing.TB
	failed, skipped string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(f) // like runtime.Goexit for the caller: stop at the failure
}

func TestWaitForNamesTheCondition(t *testing.T) {
	n := 0
	WaitFor(t, 5*time.Second, "three tries", func() bool { n++; return n == 3 })
	ft := &fakeT{TB: t}
	run(ft, func(tb testing.TB) { WaitFor(tb, 50*time.Millisecond, "the impossible", func() bool { return false }) })
	if !strings.Contains(ft.failed, "waiting for the impossible") {
		t.Fatalf("failure %q should name the condition", ft.failed)
	}
}

func TestEventuallyFailsWithTheLastError(t *testing.T) {
	ft := &fakeT{TB: t}
	func() {
		defer func() {
			if r := recover(); r != nil && r != any(ft) {
				panic(r)
			}
		}()
		Eventually(ft, 50*time.Millisecond, func() error { return errors.New("still not") })
	}()
	if ft.failed == "" || !strings.Contains(ft.failed, "still not") {
		t.Fatalf("failure %q should carry the last error", ft.failed)
	}
}

func TestDoJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusTeapot)
		fmt.Fprintf(w, `{"auth":%q,"method":%q}`, r.Header.Get("Authorization"), r.Method)
	}))
	defer srv.Close()
	var out struct{ Auth, Method string }
	if code := DoJSON(t, "DELETE", srv.URL, "tok", "", &out); code != http.StatusTeapot || out.Auth != "Bearer tok" || out.Method != "DELETE" {
		t.Fatalf("%d %+v", code, out)
	}
}

// Skipf is recorded like Fatalf.
func (f *fakeT) Skipf(format string, args ...any) {
	f.skipped = fmt.Sprintf(format, args...)
	panic(f)
}

// run calls f with ft, stopping where ft failed or skipped.
func run(ft *fakeT, f func(testing.TB)) {
	defer func() {
		if r := recover(); r != nil && r != any(ft) {
			panic(r)
		}
	}()
	f(ft)
}

// TestNeed: something missing skips the test outside CI and fails it
// under CI=true, naming what is missing and the set-up script; present,
// it does neither.
func TestNeed(t *testing.T) {
	missing := map[string]func(testing.TB){
		"no-such-tool-earshot": func(tb testing.TB) { NeedTool(tb, "no-such-tool-earshot") },
		"/no/such/model":       func(tb testing.TB) { NeedFile(tb, "/no/such/model") },
		"voice x":              func(tb testing.TB) { Need(tb, errors.New("voice x unavailable")) },
	}
	for _, ci := range []string{"", "true"} {
		t.Setenv("CI", ci)
		for what, f := range missing {
			ft := &fakeT{TB: t}
			run(ft, f)
			got, other := ft.skipped, ft.failed
			if ci == "true" {
				got, other = ft.failed, ft.skipped
			}
			if !strings.Contains(got, what) || !strings.Contains(got, "scripts/setup.sh") || other != "" {
				t.Errorf("CI=%q, %s missing: failed %q, skipped %q", ci, what, ft.failed, ft.skipped)
			}
		}
		ft := &fakeT{TB: t}
		run(ft, func(tb testing.TB) {
			NeedTool(tb, "go")
			NeedFile(tb, ".")
			Need(tb, nil)
		})
		if ft.failed != "" || ft.skipped != "" {
			t.Errorf("CI=%q, all present: failed %q, skipped %q", ci, ft.failed, ft.skipped)
		}
	}
}

// TestLeakCheck: a goroutine that outlives the check fails it, naming the
// counts; one that ends in time does not.
func TestLeakCheck(t *testing.T) {
	check := LeakCheck(t, 0)
	stop := make(chan struct{})
	go func() { <-stop }()
	close(stop) // the goroutine ends, though maybe not before check looks
	check()

	ft := &fakeT{TB: t}
	check = leakCheck(ft, 0, 100*time.Millisecond)
	block := make(chan struct{})
	defer close(block)
	go func() { <-block }()
	run(ft, func(testing.TB) { check() })
	if !strings.Contains(ft.failed, "goroutine leak") || !strings.Contains(ft.failed, "(slack 0)") {
		t.Fatalf("failure %q should report the leak", ft.failed)
	}
}

func TestMetricSum(t *testing.T) {
	fams := Metrics(t, []byte("# TYPE a_total counter\na_total{state=\"x\"} 2\na_total{state=\"y\"} 3\n# TYPE b gauge\nb 7\n"))
	for _, tc := range []struct {
		suffix string
		sum    float64
		found  bool
	}{{"a_total", 5, true}, {"b", 7, true}, {"c", 0, false}} {
		if sum, found := MetricSum(fams, tc.suffix); sum != tc.sum || found != tc.found {
			t.Errorf("%s: %v %v, want %v %v", tc.suffix, sum, found, tc.sum, tc.found)
		}
	}
}

// TestContextEnds: the context ends at its deadline.
func TestContextEnds(t *testing.T) {
	ctx := Context(t, 10*time.Millisecond)
	select {
	case <-ctx.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the context did not end at its deadline")
	}
}
