package wechat

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/util"

	"github.com/baogong/baogong/orders"

	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"

	"github.com/baogong/baogong/internal/redistest"
)

func TestMain(m *testing.M) { redistest.Main(m) }

// TestSenderKeepsAReplacedToken: when another replica already replaced the
// rejected token, this one must not delete the new token (that would
// start a chain of replicas invalidating each other's tokens).
func TestSenderKeepsAReplacedToken(t *testing.T) {
	rdb := redistest.Client(t)
	log := slog.New(slog.DiscardHandler)
	tokens := NewTokenCache(rdb, "wxsender0000001", log)
	acct := officialaccount.NewOfficialAccount(&oaconfig.Config{AppID: "wxsender0000001", AppSecret: "s", Token: "t", Cache: tokens})
	s := NewWeChatSender(acct, tokens, log)
	if err := tokens.Set(s.TokenKey(), "token-from-another-replica", time.Hour); err != nil {
		t.Fatal(err)
	}
	s.dropToken("token-this-replica-used", 40001)
	if got := tokens.Get(s.TokenKey()); got != "token-from-another-replica" {
		t.Fatalf("the other replica's token was dropped: %v", got)
	}
	s.dropToken("token-from-another-replica", 40001)
	if got := tokens.Get(s.TokenKey()); got != nil {
		t.Fatalf("the rejected token was kept: %v", got)
	}
}

func TestSenderErrorClasses(t *testing.T) {
	netErr := &url.Error{Op: "Post", URL: "https://api.weixin.qq.com/x?access_token=SECRET", Err: &net.OpError{Op: "dial", Err: errors.New("connection refused")}}
	for _, tc := range []struct {
		err       error
		permanent bool
		kind      error
	}{
		{errors.New("customer msg send error : errcode=43004 , errmsg=require subscribe"), true, nil},
		{errors.New("customer msg send error : errcode=40003 , errmsg=invalid openid"), true, nil},
		{util.NewCommonError("send", 40003, "invalid openid"), true, nil},
		{errors.New("customer msg send error : errcode=45047 , errmsg=out of response count limit"), false, orders.ErrNoBudget},
		{errors.New("customer msg send error : errcode=45015 , errmsg=response out of time limit"), false, orders.ErrOutsideWindow},
		{errors.New("template msg send error : errcode=40037 , errmsg=invalid template_id"), true, orders.ErrTemplateRefused},
		{errors.New("customer msg send error : errcode=43117 , errmsg=quota"), false, nil},
		{errors.New("customer msg send error : errcode=45009 , errmsg=quota"), false, nil},
		{errors.New("customer msg send error : errcode=-1 , errmsg=system error"), false, nil},
		{netErr, false, nil},
		{context.DeadlineExceeded, false, nil},
	} {
		got := classify(tc.err)
		if errors.Is(got, orders.ErrPermanent) != tc.permanent {
			t.Errorf("classify(%v) = %v, permanent %v", tc.err, got, !tc.permanent)
		}
		if tc.kind != nil && !errors.Is(got, tc.kind) {
			t.Errorf("classify(%v) = %v, not %v", tc.err, got, tc.kind)
		}
		if strings.Contains(got.Error(), "SECRET") {
			t.Errorf("classify(%v) shows the token: %v", tc.err, got)
		}
	}
	if got := classify(netErr); !errors.As(got, new(*net.OpError)) {
		t.Errorf("redaction lost the cause: %#v", got)
	}
}
