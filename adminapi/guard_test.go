package adminapi

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/staff"
)

// TestWrongTokensAreThrottled: an address that keeps guessing the admin
// token waits, longer each time, even with the right token in the
// meantime; each wrong token is logged with its address; another address
// is not held up.
func TestWrongTokensAreThrottled(t *testing.T) {
	cat, _ := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份"}})
	rdb := redistest.Client(t)
	store := redisstore.New(rdb, redistest.Community(t), cat)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	guard := staff.NewGuard(rdb, redistest.Community(t))
	guard.Now = func() time.Time { return now }
	var logs strings.Builder
	mux := http.NewServeMux()
	(&Server{Store: store, Token: token, Guard: guard, Log: slog.New(slog.NewTextHandler(&logs, nil))}).Register(mux)
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for i := range staff.FreeTries + 1 {
		if code, _ := call(t, "GET", srv.URL+"/api/orders", "wrong", ""); code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d", i+1, code)
		}
	}
	req, _ := http.NewRequest("GET", srv.URL+"/api/orders", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "1" {
		t.Errorf("the right token right after six wrong ones: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// A second later the address may try again; one more wrong token
	// doubles the wait.
	now = now.Add(time.Second)
	call(t, "GET", srv.URL+"/api/orders", "wrong", "")
	if wait, _ := guard.Wait(t.Context(), "127.0.0.1"); wait != 2*time.Second {
		t.Errorf("after a seventh wrong token: wait %v, want 2s", wait)
	}
	now = now.Add(2 * time.Second)
	if code, _ := call(t, "GET", srv.URL+"/api/orders", token, ""); code != http.StatusOK {
		t.Errorf("the right token after the wait: %d", code)
	}
	if n := strings.Count(logs.String(), "wrong admin token"); n != staff.FreeTries+2 {
		t.Errorf("%d wrong tokens logged, want %d:\n%s", n, staff.FreeTries+2, logs.String())
	}
	if !strings.Contains(logs.String(), "addr=127.0.0.1") {
		t.Errorf("the address is not logged:\n%s", logs.String())
	}
	// Another address has its own count.
	if wait, _ := guard.Wait(t.Context(), "192.0.2.7"); wait != 0 {
		t.Errorf("another address waits %v", wait)
	}
}

// guardServer is the admin API with a guard over rdb at a fixed time, and
// log (nil: none).
func guardServer(t *testing.T, rdb redis.UniversalClient, log *slog.Logger, proxies ...netip.Prefix) (*httptest.Server, *staff.Guard) {
	t.Helper()
	cat, _ := catalog.New(nil, []catalog.Item{{SKU: "VEG", Name: "蔬菜包", Unit: "份"}})
	store := redisstore.New(rdb, redistest.Community(t), cat)
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	guard := staff.NewGuard(rdb, redistest.Community(t))
	guard.Now, guard.Proxies = func() time.Time { return now }, proxies
	mux := http.NewServeMux()
	(&Server{Store: store, Token: token, Guard: guard, Log: log}).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, guard
}

// from calls the API as a client the proxy in front passed on
// (X-Forwarded-For).
func from(t *testing.T, url, tok, client string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("X-Forwarded-For", client)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestGuessesCountedWithoutALogger: wrong tokens slow their address down
// whether or not anything is logged.
func TestGuessesCountedWithoutALogger(t *testing.T) {
	srv, _ := guardServer(t, redistest.Client(t), nil)
	for i := range staff.FreeTries + 1 {
		if code, _ := call(t, "GET", srv.URL+"/api/orders", "wrong", ""); code != http.StatusUnauthorized {
			t.Fatalf("wrong token %d: %d", i+1, code)
		}
	}
	if code, _ := call(t, "GET", srv.URL+"/api/orders", "wrong", ""); code != http.StatusTooManyRequests {
		t.Errorf("a seventh guess at once, no logger: %d, want 429", code)
	}
}

// heldGets holds every read of a guard's wait until n arrived: a Redis
// slow enough that a burst of requests all read before any counts.
type heldGets struct {
	n       int
	mu      sync.Mutex
	arrived int
	all     chan struct{}
}

func (h *heldGets) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *heldGets) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *heldGets) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if cmd.Name() == "hget" && len(cmd.Args()) > 2 && cmd.Args()[2] == "until" {
			h.mu.Lock()
			h.arrived++
			if h.arrived == h.n {
				close(h.all)
			}
			h.mu.Unlock()
			<-h.all
		}
		return next(ctx, cmd)
	}
}

// TestABurstOfGuessesIsCounted: guesses sent at once get no more tries
// than guesses sent one by one: each is counted before its token is
// compared.
func TestABurstOfGuessesIsCounted(t *testing.T) {
	const burst = 30
	rdb := redis.NewClient(&redis.Options{Addr: redistest.Shared(t).Addr})
	t.Cleanup(func() { rdb.Close() })
	rdb.AddHook(&heldGets{n: burst, all: make(chan struct{})})
	var logs strings.Builder
	srv, _ := guardServer(t, rdb, slog.New(slog.NewTextHandler(&logs, nil)))
	codes := make(chan int, burst)
	var wg sync.WaitGroup
	for range burst {
		wg.Go(func() {
			code, _ := call(t, "GET", srv.URL+"/api/orders", "wrong", "")
			codes <- code
		})
	}
	wg.Wait()
	close(codes)
	compared := 0
	for code := range codes {
		if code == http.StatusUnauthorized {
			compared++
		}
	}
	if compared > staff.FreeTries+1 {
		t.Errorf("%d of %d guesses sent at once were compared, want at most %d", compared, burst, staff.FreeTries+1)
	}
}

// TestAGuesserBehindTheProxyDoesNotLockOutTheAdmin: behind a trusted
// proxy each client has its own count; a client that is not a trusted
// proxy cannot choose its address with the header.
func TestAGuesserBehindTheProxyDoesNotLockOutTheAdmin(t *testing.T) {
	srv, _ := guardServer(t, redistest.Client(t), nil, netip.MustParsePrefix("127.0.0.1/32"))
	for range staff.FreeTries + 2 {
		from(t, srv.URL+"/api/orders", "wrong", "203.0.113.9")
	}
	if code := from(t, srv.URL+"/api/orders", "wrong", "203.0.113.9"); code != http.StatusTooManyRequests {
		t.Errorf("the guesser: %d, want 429", code)
	}
	if code := from(t, srv.URL+"/api/orders", token, "198.51.100.7, 127.0.0.1"); code != http.StatusOK {
		t.Errorf("the admin behind the same proxy: %d, want 200", code)
	}

	// Not behind a trusted proxy: the header counts for nothing.
	srv, _ = guardServer(t, redistest.Client(t), nil, netip.MustParsePrefix("10.0.0.0/8"))
	for i := range staff.FreeTries + 2 {
		from(t, srv.URL+"/api/orders", "wrong", fmt.Sprintf("203.0.113.%d", i))
	}
	if code := from(t, srv.URL+"/api/orders", token, "198.51.100.7"); code != http.StatusTooManyRequests {
		t.Errorf("a guesser naming a new address each time: %d, want 429", code)
	}
}
