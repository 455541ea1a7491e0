package server

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/earshot/earshot/alerter"
	"github.com/earshot/earshot/alerter/webhook"
	"github.com/earshot/earshot/api"
	"github.com/earshot/earshot/internal/auth"
	"github.com/earshot/earshot/internal/authtest"
	"github.com/earshot/earshot/internal/testutil"
	"github.com/earshot/earshot/lexicon"
	"github.com/earshot/earshot/lexicon/backtest"
	"github.com/earshot/earshot/lexicon/version"
	"github.com/earshot/earshot/transcript/store"
	"github.com/earshot/earshot/trust"
)

// noLexicons is a lexicon service with nothing published: enough to serve
// the lexicon routes in route-table tests (the lifecycle is tested end to
// end in e2e).
type noLexicons struct{}

func (noLexicons) Active(context.Context) (version.Version, error) {
	return version.Version{}, version.ErrEmpty
}
func (noLexicons) Versions(context.Context) ([]version.Summary, error) { return nil, nil }
func (noLexicons) Version(context.Context, int) (version.Version, error) {
	return version.Version{}, version.ErrNotFound
}
func (noLexicons) Publish(context.Context, version.Draft) (version.Version, error) {
	return version.Version{}, version.ErrEmpty
}
func (noLexicons) Rollback(context.Context, int, string, string, bool) (version.Version, error) {
	return version.Version{}, version.ErrNotFound
}
func (noLexicons) Audit(context.Context) ([]version.AuditEntry, error) { return nil, nil }
func (noLexicons) Check(string, []byte) (*lexicon.Lexicon, *lexicon.Engine, error) {
	return nil, nil, version.ErrEmpty
}
func (noLexicons) Live() *lexicon.Engine { return nil }
func (noLexicons) Backtest(context.Context, []byte, *lexicon.Engine, time.Time, time.Time) (*backtest.Report, error) {
	return nil, ErrNoTranscripts
}

// noRevoker keeps revocations in memory only.
type noRevoker struct{}

func (noRevoker) Revoke(_ context.Context, r auth.Revocation) (auth.Revocation, error) { return r, nil }
func (noRevoker) List() *auth.Revocations                                              { return auth.NewRevocations() }

// noWebhooks has no endpoints (alerter/webhook's tests and internal/app's
// drive the real service).
type noWebhooks struct{}

func (noWebhooks) Create(context.Context, api.WebhookRequest) (api.Webhook, error) {
	return api.Webhook{}, webhook.ErrInvalid
}
func (noWebhooks) List(context.Context) ([]api.Webhook, error) { return nil, nil }
func (noWebhooks) Get(context.Context, string) (api.Webhook, error) {
	return api.Webhook{}, webhook.ErrUnknownEndpoint
}
func (noWebhooks) Delete(context.Context, string) error { return webhook.ErrUnknownEndpoint }
func (noWebhooks) Deliveries(context.Context, string, int) ([]api.Delivery, error) {
	return nil, webhook.ErrUnknownEndpoint
}
func (noWebhooks) Delivery(context.Context, string, string) (api.Delivery, error) {
	return api.Delivery{}, webhook.ErrUnknownEndpoint
}
func (noWebhooks) Redeliver(context.Context, string, string) (api.Delivery, error) {
	return api.Delivery{}, webhook.ErrUnknownEndpoint
}

// fullOptions configures every optional feature.
func fullOptions(t *testing.T, anonymous bool) Options {
	t.Helper()
	st, err := store.Open(store.Options{Dir: t.TempDir(), Logger: testutil.Quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	return Options{
		Rooms: nopRooms{}, Alerts: &memoryLog{}, UploadDir: t.TempDir(), Logger: testutil.Quiet(),
		Metrics: http.NotFoundHandler(), Transcripts: st, Lexicons: noLexicons{}, Revocations: noRevoker{}, Links: noLinks{},
		Cases: noCases{}, Appeals: noAppeals{}, Webhooks: noWebhooks{}, Reports: noReports{},
		Escalations:    noEscalations{},
		WHIP:           http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) }),
		Tokens:         authtest.Checker(handlerKey(), nil),
		Trust:          trust.NewView(0, 0, nil),
		AllowedHosts:   []string{"example.com"}, // httptest.NewRequest's Host
		AllowAnonymous: anonymous,
	}
}

func patterns(rs []api.Route) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Pattern()
	}
	slices.Sort(out)
	return out
}

// TestRouteTable: with every feature configured the server answers exactly
// api.Routes; with none, exactly the routes that need no feature.
func TestRouteTable(t *testing.T) {
	full := New(fullOptions(t, false))
	if len(full.unlisted) > 0 {
		t.Errorf("handlers without an api.Routes entry: %v", full.unlisted)
	}
	if got, want := patterns(full.Routes()), patterns(api.Routes); !slices.Equal(got, want) {
		t.Errorf("served %v\nwant (api.Routes) %v", got, want)
	}
	bare := New(Options{Rooms: nopRooms{}, Alerts: &memoryLog{}})
	var always []api.Route
	for _, r := range api.Routes {
		if r.Feature == "" {
			always = append(always, r)
		}
	}
	if got, want := patterns(bare.Routes()), patterns(always); !slices.Equal(got, want) {
		t.Errorf("without features served %v\nwant %v", got, want)
	}
	// A path the table does not list is the mux's 404, whatever the token.
	rec := httptest.NewRecorder()
	full.ServeHTTP(rec, httptest.NewRequest("GET", "/v1/nothing", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /v1/nothing: %d", rec.Code)
	}
}

// fill gives a route's path values that pass validation.
func fill(path string) string {
	path = strings.TrimSuffix(strings.Replace(path, "{$}", "", 1), "/")
	if path == "" {
		return "/"
	}
	if path == "/static" {
		return "/static/console.js"
	}
	r := strings.NewReplacer("{room}", "r1", "{id}", alerter.NewID(time.Now()), "{version}", "1", "{session}", "s1")
	return r.Replace(path)
}

// TestRoutesRefuseWithoutToken holds every route to its api.Access for a
// request without a token: routes that need one answer 401 with the
// unauthorized code, public ones never ask for one; with AllowAnonymous
// only the routes that record their author ask. (The e2e authorization
// matrix runs every route against every kind of token.)
func TestRoutesRefuseWithoutToken(t *testing.T) {
	for _, anonymous := range []bool{false, true} {
		srv := New(fullOptions(t, anonymous))
		for _, rt := range srv.Routes() {
			t.Run(rt.Pattern()+"/anonymous="+strconv.FormatBool(anonymous), func(t *testing.T) {
				rec := httptest.NewRecorder()
				srv.ServeHTTP(rec, httptest.NewRequest(rt.Method, fill(rt.Path), strings.NewReader("")))
				needs := rt.Access.NeedsToken() && (!anonymous || rt.Access.Identity)
				got := rec.Code
				switch {
				case needs && (got != http.StatusUnauthorized || !strings.Contains(rec.Body.String(), `"unauthorized"`)):
					t.Errorf("%s without a token: %d %s, want 401 unauthorized", rt.Access, got, rec.Body)
				case !needs && (got == http.StatusUnauthorized || got == http.StatusForbidden):
					t.Errorf("%s route asked for a token: %d %s", rt.Access, got, rec.Body)
				case got >= 500 && got != http.StatusServiceUnavailable && got != http.StatusNotImplemented:
					t.Errorf("%d %s", got, rec.Body)
				}
			})
		}
	}
}

// apiCodes parses ../api/errors.go: constant name -> code.
func apiCodes(t *testing.T) map[string]api.Code {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "api", "errors.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]api.Code{}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Values) != len(vs.Names) {
			return true
		}
		for i, name := range vs.Names {
			if lit, ok := vs.Values[i].(*ast.BasicLit); ok && strings.HasPrefix(name.Name, "Code") {
				v, _ := strconv.Unquote(lit.Value)
				out[name.Name] = api.Code(v)
			}
		}
		return true
	})
	return out
}

// TestErrorCodesInUse: every error code server/ answers with is a named
// api.Code of the table: no string literals, no conversions.
func TestErrorCodesInUse(t *testing.T) {
	codes := apiCodes(t)
	files, _ := filepath.Glob("*.go")
	used := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				if x, ok := n.X.(*ast.Ident); ok && x.Name == "api" && strings.HasPrefix(n.Sel.Name, "Code") && n.Sel.Name != "Code" {
					c, ok := codes[n.Sel.Name]
					if _, inTable := api.Lookup(c); !ok || !inTable {
						t.Errorf("%s: api.%s is not a code of api.Errors", fset.Position(n.Pos()), n.Sel.Name)
					}
					used++
				}
			case *ast.CallExpr:
				if fn, ok := n.Fun.(*ast.Ident); ok && fn.Name == "writeError" && len(n.Args) == 3 {
					switch arg := n.Args[1].(type) {
					case *ast.BasicLit:
						t.Errorf("%s: writeError with the literal %s: name it in api.Errors", fset.Position(n.Pos()), arg.Value)
					case *ast.CallExpr:
						if sel, ok := arg.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "Code" {
							t.Errorf("%s: writeError with a converted code: name it in api.Errors", fset.Position(n.Pos()))
						}
					}
				}
			}
			return true
		})
	}
	if used < 30 {
		t.Errorf("found only %d uses of api codes: is the test parsing server/?", used)
	}
}
