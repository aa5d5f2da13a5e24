package wechat

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
)

const (
	hToken = "handlertesttoken"
	hAppID = "wxhandler0000001"
	hAES   = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)

// callback is a Handler over real signatures, answering every message
// with "ok" and counting what reached it.
type callback struct {
	srv      *httptest.Server
	acct     wxsign.Account
	answered atomic.Int32
	h        *Handler
}

func newCallback(t *testing.T, configure func(*Handler)) *callback {
	t.Helper()
	c := &callback{acct: wxsign.Account{Token: hToken, AppID: hAppID, EncodingAESKey: hAES}}
	account := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: hAppID, AppSecret: "s", Token: hToken, EncodingAESKey: hAES, Cache: cache.NewMemory(),
	})
	c.h = &Handler{Account: account, Token: hToken, MaxBody: 1 << 16, Budget: 4 * time.Second, MaxAge: 5 * time.Minute,
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Answer: func(context.Context, Message) string { c.answered.Add(1); return "ok" }}
	if configure != nil {
		configure(c.h)
	}
	c.srv = httptest.NewServer(c.h)
	t.Cleanup(c.srv.Close)
	return c
}

func (c *callback) post(t *testing.T, safe bool, body []byte, ts time.Time, nonce string) int {
	t.Helper()
	build := c.acct.Plain
	if safe {
		build = c.acct.Safe
	}
	req, err := build(c.srv.URL+"/wechat", body, ts, nonce)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func text(content string, id int64) []byte {
	return wxsign.TextXML("gh_test", "o-user", content, id, time.Now())
}

// TestSafeAccountRefusesPlaintext: with an EncodingAESKey, only encrypted
// messages get through; a plaintext one (whose signature does not cover
// its body) is refused before anything reads it.
func TestSafeAccountRefusesPlaintext(t *testing.T) {
	c := newCallback(t, func(h *Handler) { h.RequireSafe = true })
	now := time.Now()
	if code := c.post(t, false, text("蔬菜包1份", 1), now, "n1"); code != http.StatusForbidden {
		t.Errorf("plaintext to a safe account: %d, want 403", code)
	}
	if code := c.post(t, true, text("蔬菜包1份", 2), now, "n2"); code != http.StatusOK {
		t.Errorf("encrypted: %d, want 200", code)
	}
	if n := c.answered.Load(); n != 1 {
		t.Errorf("%d messages answered, want only the encrypted one", n)
	}
}

// TestSignedQueryBindsItsBody: someone who saw one plaintext callback URL
// cannot post another body under its signature; WeChat's retry of the
// same body still gets through.
func TestSignedQueryBindsItsBody(t *testing.T) {
	c := newCallback(t, func(h *Handler) { h.Nonces = NewRedisNonces(redistest.Client(t), hAppID+redistest.Community(t)) })
	now := time.Now()
	first := text("蔬菜包1份", 10)
	if code := c.post(t, false, first, now, "same-nonce"); code != http.StatusOK {
		t.Fatalf("first: %d", code)
	}
	if code := c.post(t, false, first, now, "same-nonce"); code != http.StatusOK {
		t.Errorf("WeChat's retry of the same body: %d, want 200", code)
	}
	if code := c.post(t, false, text("取消 1001", 11), now, "same-nonce"); code != http.StatusForbidden {
		t.Errorf("another body under the same signature: %d, want 403", code)
	}
	if n := c.answered.Load(); n != 2 {
		t.Errorf("%d answered, want 2", n)
	}
}

// TestStaleAndForgedSignatures: a signature from ten minutes ago, or one
// that does not match, is refused.
func TestStaleAndForgedSignatures(t *testing.T) {
	c := newCallback(t, nil)
	if code := c.post(t, true, text("帮助", 20), time.Now().Add(-10*time.Minute), "old"); code != http.StatusForbidden {
		t.Errorf("ten-minute-old signature: %d, want 403", code)
	}
	forged := wxsign.Account{Token: "not-the-token", AppID: hAppID, EncodingAESKey: hAES}
	req, _ := forged.Plain(c.srv.URL+"/wechat", text("帮助", 21), time.Now(), "f")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("wrong token: %d, want 403", resp.StatusCode)
	}
	if n := c.answered.Load(); n != 0 {
		t.Errorf("%d refused messages were answered", n)
	}
}
