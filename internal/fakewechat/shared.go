package fakewechat

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"
)

// The library's URI modifier and HTTP client are process-wide, so one
// httptest server serves every test of a process; it forwards to the
// current test's fake (tests that use it do not run in parallel), so
// tokens and recorded messages start fresh in each test.
var (
	sharedOnce    sync.Once
	sharedServer  *httptest.Server
	sharedCurrent atomic.Pointer[Faulty]
)

// Faulty is a test's fake WeChat API plus a fault the fake lacks: HTTP 502
// answers, as from a failing proxy.
type Faulty struct {
	*API
	// Bad answers this many requests with 502.
	Bad atomic.Int32
	// Base is the shared server's URL, for clients that build API URLs
	// themselves (media downloads).
	Base string
}

// ServeHTTP implements http.Handler.
func (f *Faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.Bad.Add(-1) >= 0 {
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	f.API.ServeHTTP(w, r)
}

// Install points silenceper's client (every API URL, with a 5 s timeout)
// at a shared local server and makes a fresh fake for appID the one it
// serves until t ends.
func Install(t testing.TB, appID, secret string) *Faulty {
	t.Helper()
	sharedOnce.Do(func() {
		sharedServer = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if f := sharedCurrent.Load(); f != nil {
				f.ServeHTTP(w, r)
				return
			}
			http.Error(w, "no fake", http.StatusServiceUnavailable)
		}))
		util.DefaultHTTPClient = &http.Client{Timeout: 5 * time.Second}
		util.SetURIModifier(Rewriter(sharedServer.URL))
	})
	f := &Faulty{API: New(appID, secret), Base: sharedServer.URL}
	sharedCurrent.Store(f)
	t.Cleanup(func() { sharedCurrent.CompareAndSwap(f, nil) })
	return f
}
