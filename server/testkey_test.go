package server

import (
	"sync"
	"testing"

	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
)

// handlerKey signs the tokens of the handler tests, which call as an
// admin: guard_test.go and the e2e authorization matrix cover the roles.
var handlerKey = sync.OnceValue(func() *auth.Signer { return authtest.Signer(&testing.T{}) })

// tokened makes o check tokens of handlerKey.
func tokened(o Options) Options {
	o.Tokens = authtest.Checker(handlerKey(), nil)
	return o
}

// admin is an admin token of handlerKey.
func admin(t testing.TB) string {
	t.Helper()
	return authtest.Mint(t, handlerKey(), auth.Request{Role: api.RoleAdmin, Subject: "test-admin"})
}

// adminClient is a client of the test server at url with an admin token.
func adminClient(t *testing.T, url string, opts ...api.Option) *api.Client {
	t.Helper()
	return apiClient(t, url, append([]api.Option{api.WithToken(admin(t))}, opts...)...)
}
