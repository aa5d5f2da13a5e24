package adminapi

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

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
