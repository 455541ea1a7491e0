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
	failed string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Fatalf(format string, args ...any) {
	f.failed = fmt.Sprintf(format, args...)
	panic(f) // like runtime.Goexit for the caller: stop at the failure
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
