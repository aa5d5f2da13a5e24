package outbox

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/baogong/baogong/internal/fakewechat"
	"github.com/baogong/baogong/wechat"
)

// TestSenderTokenKey checks the key the sender drops is the one silenceper
// caches the token under.
func TestSenderTokenKey(t *testing.T) {
	e := newWXEnv(t, "")
	tok, err := e.sender.Account.GetAccessToken()
	if err != nil {
		t.Fatal(err)
	}
	if got := e.tokens.Get(e.sender.TokenKey()); got != tok {
		t.Fatalf("cache[%q] = %v, want the library's token", e.sender.TokenKey(), got)
	}
}

func TestSenderRefreshesRejectedTokenOnce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault func(*wxFake)
	}{
		{"tokens invalidated", func(f *wxFake) { f.InvalidateTokens() }},
		{"40001", func(f *wxFake) { f.FailNext(fakewechat.PathCustomSend, 40001, 1) }},
		{"42001", func(f *wxFake) { f.FailNext(fakewechat.PathCustomSend, 42001, 1) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newWXEnv(t, "")
			e.enqueue(notice("t1", "oUser1"))
			e.drain(1) // caches a token
			tc.fault(e.api)
			e.enqueue(notice("t2", "oUser2"))
			e.drain(1)
			if got := e.api.TokenFetches(); got != 2 {
				t.Errorf("token fetches %d, want 2 (first, then one refresh)", got)
			}
			if s := e.api.SentTo("oUser2"); len(s) != 1 {
				t.Fatalf("sent to oUser2: %+v", s)
			}
			if !strings.Contains(e.logs.String(), "token rejected") {
				t.Error("refresh not logged")
			}
		})
	}

	t.Run("only once", func(t *testing.T) {
		e := newWXEnv(t, "")
		e.api.FailNext(fakewechat.PathCustomSend, 40001, 2)
		e.enqueue(notice("t3", "oUser3"))
		e.drain(0)
		if got := e.api.TokenFetches(); got != 2 {
			t.Errorf("token fetches %d, want 2 (first, then one refresh)", got)
		}
		if n := e.stored("t3"); n.Attempts != 1 || !strings.Contains(n.LastError, "40001") {
			t.Fatalf("stored %+v", n)
		}
		e.clock.Advance(2 * time.Second)
		e.drain(1) // temporary: the next round succeeds
	})
}

func TestSenderTemplateFallback(t *testing.T) {
	e := newWXEnv(t, "tpl-delivered")
	e.api.FailNext(fakewechat.PathCustomSend, 45015, 1)
	e.enqueue(notice("f1", "oUser1"))
	e.drain(1)
	s := e.api.Sent()
	if len(s) != 1 || s[0].Kind != "template" || s[0].TemplateID != "tpl-delivered" || s[0].ToUser != "oUser1" {
		t.Fatalf("sent %+v", s)
	}
	want := "first: 订单已送达\nkeyword1: f1\nkeyword2: 3号楼\nremark: 请及时取件"
	if s[0].Text != want {
		t.Errorf("template data:\n%s\nwant:\n%s", s[0].Text, want)
	}
	if !strings.Contains(string(s[0].Raw), `"client_msg_id":"f1"`) {
		t.Errorf("no client_msg_id: %s", s[0].Raw)
	}
	if strings.Contains(string(s[0].Raw), secretPhone) {
		t.Error("the template carries the text")
	}
}

func TestSenderOutsideWindowWithoutTemplateDeadLetters(t *testing.T) {
	e := newWXEnv(t, "")
	e.api.FailNext(fakewechat.PathCustomSend, 45015, 1)
	e.enqueue(notice("w1", "oUser1"))
	e.drain(0)
	d := e.dead()
	if len(d) != 1 || d[0].ID != "w1" || d[0].Attempts != 1 || !strings.Contains(d[0].LastError, "45015") {
		t.Fatalf("dead %+v", d)
	}
	if e.pending() != 0 || len(e.api.Sent()) != 0 {
		t.Fatal("the notice was kept or sent")
	}

	// With a template but no data for it, there is nothing to send either.
	e2 := newWXEnv(t, "tpl")
	e2.api.FailNext(fakewechat.PathCustomSend, 45015, 1)
	n := notice("w2", "oUser2")
	n.Data = nil
	e2.enqueue(n)
	e2.drain(0)
	if d := e2.dead(); len(d) != 1 || !strings.Contains(d[0].LastError, "no template data") {
		t.Fatalf("dead %+v", d)
	}
}

func TestSenderPermanentErrorsDeadLetter(t *testing.T) {
	for _, code := range []int{43004, 40003} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			e := newWXEnv(t, "tpl")
			e.api.FailNext(fakewechat.PathCustomSend, code, 1)
			e.enqueue(notice("p1", "oUser1"))
			e.drain(0)
			d := e.dead()
			if len(d) != 1 || d[0].Attempts != 1 || !strings.Contains(d[0].LastError, fmt.Sprint(code)) {
				t.Fatalf("dead %+v", d)
			}
		})
	}
	t.Run("template refused", func(t *testing.T) {
		e := newWXEnv(t, "tpl")
		e.api.FailNext(fakewechat.PathCustomSend, 45015, 1)
		e.api.FailNext(fakewechat.PathTemplateSend, 43004, 1)
		e.enqueue(notice("p2", "oUser1"))
		e.drain(0)
		if d := e.dead(); len(d) != 1 || !strings.Contains(d[0].LastError, "43004") {
			t.Fatalf("dead %+v", d)
		}
	})
}

// TestSenderRedactsSecrets: the library's HTTP errors quote URLs holding
// the app secret (token fetch) or the access token (sends).
func TestSenderRedactsSecrets(t *testing.T) {
	e := newWXEnv(t, "")
	e.api.Bad.Store(1) // the token fetch
	e.enqueue(notice("s1", "oUser1"))
	e.drain(0)
	n := e.stored("s1")
	if strings.Contains(n.LastError, wxTestSecret) || !strings.Contains(n.LastError, "secret=REDACTED") {
		t.Fatalf("last error %q", n.LastError)
	}
	e.clock.Advance(2 * time.Second)
	e.drain(1)
}

func TestSenderNotBuiltByConstructor(t *testing.T) {
	err := (&wechat.WeChatSender{}).Send(context.Background(), notice("x", "oUser1"))
	if err == nil || errors.Is(err, ErrPermanent) {
		t.Fatalf("err %v", err)
	}
}
