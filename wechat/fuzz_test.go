package wechat

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"

	"github.com/baogong/baogong/internal/wxsign"
)

// FuzzCallback posts arbitrary bodies under a valid signature, plain and
// encrypted: the handler answers 200 (a message), 400 (unreadable) or 413
// (too large), never panics, never answers 5xx, and hands on only
// messages it could read.
func FuzzCallback(f *testing.F) {
	acct := wxsign.Account{Token: hToken, AppID: hAppID, EncodingAESKey: hAES}
	for _, s := range []string{
		string(wxsign.TextXML("gh", "o-user", "蔬菜包2份", 1, time.Unix(1700000000, 0))),
		"<xml><MsgType>event</MsgType><Event>subscribe</Event></xml>",
		"<xml><Encrypt><![CDATA[not base64]]></Encrypt></xml>",
		"<xml><MsgType><![CDATA[text]]></MsgType><Content>&bogus;</Content>",
		"", "not xml at all", strings.Repeat("<a>", 1000),
	} {
		f.Add([]byte(s), false)
		f.Add([]byte(s), true)
	}
	account := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: hAppID, AppSecret: "s", Token: hToken, EncodingAESKey: hAES, Cache: cache.NewMemory(),
	})
	h := &Handler{Account: account, Token: hToken, MaxBody: 1 << 14, Budget: time.Second, MaxAge: 5 * time.Minute,
		Log:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Answer: func(_ context.Context, m Message) string { return "ok " + m.Content }}
	f.Fuzz(func(t *testing.T, body []byte, safe bool) {
		build := acct.Plain
		if safe {
			build = acct.Safe
		}
		req, err := build("http://x/wechat", body, time.Now(), "n")
		if err != nil {
			t.Skip()
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %q (safe %v): %s", w.Code, body, safe, w.Body)
		}
	})
}
