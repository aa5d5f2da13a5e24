package main

import (
	"io"
	"net/http"
	"testing"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/staff"
)

// TestGuessingBehindAProxy: the real binary behind a reverse proxy it
// trusts (BAOGONG_ADMIN_TRUSTED_PROXIES) slows down the client that
// guesses the admin token, not the admin behind the same proxy.
func TestGuessingBehindAProxy(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)
	s.env = append(s.env, "BAOGONG_ADMIN_TRUSTED_PROXIES=127.0.0.1,::1")
	s.serve()
	call := func(tok, client string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", s.base+"/api/orders", nil)
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
	for range staff.FreeTries + 1 {
		call("wrong-token-guess", "203.0.113.9")
	}
	if code := call("wrong-token-guess", "203.0.113.9"); code != http.StatusTooManyRequests {
		t.Errorf("the guesser: %d, want 429", code)
	}
	if code := call(e2eAdmin, "198.51.100.7"); code != http.StatusOK {
		t.Errorf("the admin behind the same proxy: %d, want 200", code)
	}
}
