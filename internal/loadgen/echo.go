package loadgen

import (
	"context"
	"net"
	"net/http"
	"time"

	// The officialaccount package, not the SDK's root: the root's init
	// turns logrus to debug on stdout and logs every message.
	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"

	"github.com/baogong/baogong/internal/wxsign"
)

// Echo is the baseline: silenceper's callback server alone, with the
// account's token, AppID and AES key and its signature check on, answering
// every text with the same text. It does what any bot on the SDK must do
// (check, parse, decrypt, build, encrypt) and nothing else.
type Echo struct {
	// URL is the echo's callback address, http://127.0.0.1:port/wechat.
	URL string
	srv *http.Server
}

// StartEcho starts an Echo on a free loopback port.
func StartEcho(acct wxsign.Account) (*Echo, error) {
	oa := officialaccount.NewOfficialAccount(&oaconfig.Config{
		AppID: acct.AppID, Token: acct.Token, EncodingAESKey: acct.EncodingAESKey,
		// The SDK insists on a token cache; the echo never calls the API.
		Cache: noCache{},
	})
	mux := http.NewServeMux()
	mux.HandleFunc("/wechat", func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText(m.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, "bad request", http.StatusForbidden)
			return
		}
		srv.Send()
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	e := &Echo{URL: "http://" + ln.Addr().String() + "/wechat", srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go e.srv.Serve(ln)
	return e, nil
}

// Close stops the echo.
func (e *Echo) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return e.srv.Shutdown(ctx)
}

// noCache is a token cache that holds nothing (silenceper's cache.Cache).
type noCache struct{}

func (noCache) Get(string) any                       { return nil }
func (noCache) Set(string, any, time.Duration) error { return nil }
func (noCache) IsExist(string) bool                  { return false }
func (noCache) Delete(string) error                  { return nil }
