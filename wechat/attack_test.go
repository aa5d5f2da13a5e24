package wechat

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/redistest"
)

// Regression (from an attack review): in plaintext mode only POSTs tie their signed query to a body.
// The query of a GET (the console's server verification, or any callback
// URL replayed as a GET) carries the same signature, so whoever sees it
// posts any message as anyone for five minutes.
func TestAttackVerificationURLPostsAnything(t *testing.T) {
	c := newCallback(t, func(h *Handler) { h.Nonces = NewRedisNonces(redistest.Client(t), hAppID+redistest.Community(t)) })
	seen := c.acct.VerifyURL(c.srv.URL+"/wechat", "echo-1", time.Now(), "n-verify")
	resp, err := http.Get(seen)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	u, _ := url.Parse(seen)
	q := u.Query()
	q.Del("echostr")
	u.RawQuery = q.Encode()
	resp, err = http.Post(u.String(), "text/xml", bytes.NewReader(text("取消 1001", 99)))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK && c.answered.Load() == 1 {
		t.Errorf("a forged message was answered under a verification URL's signature")
	}
}

// Regression (from an attack review): any signed query answers a GET with whatever echostr says
// (text/plain, no nosniff): a reflection under the service's origin.
func TestAttackEchoReflects(t *testing.T) {
	c := newCallback(t, func(h *Handler) { h.RequireSafe = true })
	seen := c.acct.VerifyURL(c.srv.URL+"/wechat", "x", time.Now(), "n-echo")
	u, _ := url.Parse(seen)
	q := u.Query()
	q.Set("echostr", "<script>alert(1)</script>")
	u.RawQuery = q.Encode()
	resp, err := http.Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "<script>") {
		t.Logf("reflected %q with Content-Type %q, nosniff=%q", b, resp.Header.Get("Content-Type"), resp.Header.Get("X-Content-Type-Options"))
	}
}

// Regression (from an attack review): the nonce binding is keyed by timestamp:nonce, but
// the signature covers only their sorted concatenation. A nonce like
// "0123450" splits into nonce "012345" and timestamp "0"+ts, which parses
// to the same time, signs the same, and is a fresh key: another body.
func TestAttackSplitNonce(t *testing.T) {
	c := newCallback(t, func(h *Handler) { h.Nonces = NewRedisNonces(redistest.Client(t), hAppID+redistest.Community(t)) })
	now := time.Now()
	if code := c.post(t, false, text("蔬菜包1份", 10), now, "0123450"); code != http.StatusOK {
		t.Fatal(code)
	}
	req, _ := c.acct.Plain(c.srv.URL+"/wechat", text("取消 1001", 11), now, "0123450")
	q := req.URL.Query()
	q.Set("nonce", "012345")
	q.Set("timestamp", "0"+q.Get("timestamp"))
	req.URL.RawQuery = q.Encode()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusOK {
		t.Errorf("a second body under one seen signature: %d, answered %d", resp.StatusCode, c.answered.Load())
	}
}
