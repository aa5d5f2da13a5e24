package main

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
)

// TestPlaintextSignatureIsTiedToItsBody: on a plaintext account (no
// encoding_aes_key) a callback's signature covers its query, not its
// body. The service ties each signature to the body it came with, in the
// step that claims the message (issue 23: one script per order message):
// WeChat's retry of the same body gets the same answer; the same signature
// with another body (someone who saw one callback URL) is refused with
// 403 and does nothing; a server verification's signature carries no
// message.
func TestPlaintextSignatureIsTiedToItsBody(t *testing.T) {
	s := startService(t, redistest.Shared(t).Addr)
	s.env = slices.DeleteFunc(s.env, func(v string) bool { return strings.HasPrefix(v, "BAOGONG_WECHAT_ENCODING_AES_KEY=") })
	s.serve()
	if got := s.say(false, "nonce-li", "绑定 3栋2单元601"); !strings.HasPrefix(got, "已绑定") {
		t.Fatalf("bind: %q", got)
	}
	s.say(false, "nonce-li", "挂面1袋") // read once: the next order is one step

	send := func(target string, body []byte) (int, string) {
		t.Helper()
		resp, err := http.Post(target, "text/xml", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			return resp.StatusCode, string(raw)
		}
		r, err := s.acct.OpenReply(raw, false)
		if err != nil {
			t.Fatalf("%v: %s", err, raw)
		}
		return resp.StatusCode, r.Content
	}
	order := s.text("nonce-li", "挂面2袋")
	req, err := s.acct.Plain(s.base+"/wechat", order, s.now(), "n-order")
	if err != nil {
		t.Fatal(err)
	}
	signed := req.URL.String()
	code, first := send(signed, order)
	if code != http.StatusOK || !strings.HasPrefix(first, "下单成功") {
		t.Fatalf("order: %d %q", code, first)
	}
	if code, again := send(signed, order); code != http.StatusOK || again != first {
		t.Errorf("WeChat's retry: %d %q, want the first answer %q", code, again, first)
	}
	// Another body under the seen signature: refused, nothing done.
	id := strings.Fields(strings.SplitN(first, "订单号", 2)[1])[0]
	if code, got := send(signed, s.text("nonce-li", "取消 "+id)); code != http.StatusForbidden {
		t.Errorf("another body under a seen signature: %d %q, want 403", code, got)
	}
	if code, got := send(signed, s.text("nonce-li", "挂面3袋")); code != http.StatusForbidden {
		t.Errorf("another order under a seen signature: %d %q, want 403", code, got)
	}
	if got := s.say(false, "nonce-li", "我的订单"); !strings.Contains(got, id) || strings.Contains(got, "已取消") || strings.Contains(got, "3袋") {
		t.Errorf("a refused body changed the orders: %q", got)
	}

	// The server verification (GET) uses its signature up.
	stamp := strconv.FormatInt(s.now().Unix(), 10)
	q := url.Values{"signature": {wxsign.Sign(e2eToken, stamp, "n-verify")}, "timestamp": {stamp}, "nonce": {"n-verify"}, "echostr": {"hello"}}
	resp, err := http.Get(s.base + "/wechat?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	echo, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(echo) != "hello" {
		t.Fatalf("verification: %d %q", resp.StatusCode, echo)
	}
	q.Del("echostr")
	u, _ := url.Parse(s.base + "/wechat")
	u.RawQuery = q.Encode()
	if code, got := send(u.String(), s.text("nonce-li", "挂面1袋")); code != http.StatusForbidden {
		t.Errorf("a message under the verification's signature: %d %q, want 403", code, got)
	}
}
