package wechat

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
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

// An encrypted message signed after January 2038 is answered (the SDK's
// server read its timestamp as a 32-bit number and refused it), and the
// answer opens and carries the request's timestamp.
func TestSafeMessageAfter2038(t *testing.T) {
	later := time.Date(2040, 3, 1, 9, 0, 0, 0, time.UTC)
	c := newCallback(t, func(h *Handler) { h.Now = func() time.Time { return later } })
	req, err := c.acct.Safe(c.srv.URL+"/wechat", wxsign.TextXML("gh_test", "o-user", "查询", 5, later), later, "n-2040")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || c.answered.Load() != 1 {
		t.Fatalf("status %d, answered %d: %s", resp.StatusCode, c.answered.Load(), body)
	}
	reply, err := c.acct.OpenReply(body, true)
	if err != nil {
		t.Fatal(err)
	}
	if reply.Content != "ok" || reply.ToUserName != "o-user" {
		t.Errorf("reply %+v", reply)
	}
	if !strings.Contains(string(body), "<TimeStamp>"+strconv.FormatInt(later.Unix(), 10)+"</TimeStamp>") {
		t.Errorf("the envelope does not carry the request's timestamp: %s", body)
	}
}

// A signed POST that also carries echostr is a message like any other:
// it is answered, and its signature is tied to its body (it used to stop
// at the SDK's echo and reach nobody).
func TestPostWithEchostrIsAMessage(t *testing.T) {
	c := newCallback(t, func(h *Handler) { h.Nonces = NewRedisNonces(redistest.Client(t), hAppID+redistest.Community(t)) })
	req, err := c.acct.Plain(c.srv.URL+"/wechat", text("查询", 41), time.Now(), "n-echo-post")
	if err != nil {
		t.Fatal(err)
	}
	q := req.URL.Query()
	q.Set("echostr", "echo-me")
	req.URL.RawQuery = q.Encode()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || c.answered.Load() != 1 || strings.Contains(string(body), "echo-me") {
		t.Fatalf("status %d, answered %d: %s", resp.StatusCode, c.answered.Load(), body)
	}
	// The same signed query with another body is refused.
	forged, _ := c.acct.Plain(c.srv.URL+"/wechat", text("取消 1001", 42), time.Now(), "n-echo-post")
	forged.URL.RawQuery = req.URL.RawQuery
	resp, err = http.DefaultClient.Do(forged)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || c.answered.Load() != 1 {
		t.Errorf("another body under the same signature: status %d, answered %d", resp.StatusCode, c.answered.Load())
	}
}
