// Package wechat is baogong's adapter to the WeChat official-account
// platform: the callback handler (signatures, safe mode, size limits, on
// silenceper's server), the access-token cache shared by every replica in
// Redis, and the Sender that pushes notices as customer-service or
// template messages. It knows nothing of orders' meaning: messages go to
// an Answer function, notices come from package outbox.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strconv"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/baogong/baogong/internal/redact"
	"github.com/baogong/baogong/orders"
)

// WeChat errcodes the sender acts on.
const (
	wxInvalidToken    = 40001 // access_token invalid (another fetch replaced it)
	wxInvalidOpenID   = 40003
	wxBadMsgType      = 40008
	wxBadTemplateID   = 40037
	wxTokenExpired    = 42001
	wxUnsubscribed    = 43004
	wxEmptyContent    = 44004
	wxOutsideWindow   = 45015 // no interaction in the last 48 hours
	wxBadData         = 47001
	wxDailyQuota      = 45009 // temporary, like the per-interaction ones:
	wxReplyQuota      = 45047 //   handled by the default case, named for
	wxCustomSendQuota = 43117 //   the reader
)

// permanentCodes are errcodes no retry can cure: the recipient is gone or
// the message itself is refused.
var permanentCodes = map[int64]bool{
	wxInvalidOpenID: true,
	wxBadMsgType:    true,
	wxBadTemplateID: true,
	wxUnsubscribed:  true,
	wxEmptyContent:  true,
	wxBadData:       true,
}

// TokenKeyPrefix is the prefix under which silenceper caches the access
// token: prefix+"_access_token_"+appID, or prefix+"_stable_access_token_"+
// appID with UseStableAK. TestSenderTokenKey checks the key in Redis.
const TokenKeyPrefix = credential.CacheKeyOfficialAccountPrefix

// WeChatSender is the Sender that pushes notices to residents through the
// official account. It sends Notice.Text as a customer-service text
// message; when WeChat refuses that because the resident has not written
// within 48 hours (45015), it sends the template TemplateID instead, one
// template field per Notice.Data entry: the key is the field name as the
// template declares it ("first", "keyword1", "keyword2", "remark" in the
// classic layout, "thing1", "time2" … in newer ones) and the value its
// text, subject to the template's length limits. Notice.Text is not used
// by the template.
//
// Errors: 40001/42001 (the token was replaced or expired) drop the cached
// token and retry once; 43004 (unsubscribed), 40003 (bad openid), refused
// payloads, and 45015 without a template wrap orders.ErrPermanent; quotas (45009,
// 45047, 43117), system errors and network failures are temporary. Error
// texts have tokens and the app secret redacted.
//
// silenceper's Send methods take no context: a send is bounded by
// util.DefaultHTTPClient's timeout (the app sets one; the library's default
// has none), per HTTP call. The ctx given to Send is checked before each
// call only. Build it with NewWeChatSender; it is safe for concurrent use.
type WeChatSender struct {
	// Account is the official account; its config's AppID and UseStableAK
	// name the cached token.
	Account *officialaccount.OfficialAccount
	// Cache is the account's token cache (the TokenCache), from which a
	// rejected token is deleted so the library fetches a new one.
	Cache cache.Cache
	// TemplateID is the template sent outside the 48-hour window; "" means
	// no fallback: such notices are dead-lettered.
	TemplateID string
	// Log receives token refreshes and template fallbacks (openids, never
	// text).
	Log *slog.Logger

	custom   *message.Manager
	template *message.Template
	tokenKey string
}

// NewWeChatSender returns a sender through account. It fetches the
// library's message managers once, here: silenceper's lazy getters are
// not synchronised, so calling them per send would race. tokens is the
// cache the account was configured with (nil: the account's own).
func NewWeChatSender(account *officialaccount.OfficialAccount, tokens cache.Cache, templateID string, log *slog.Logger) *WeChatSender {
	cfg := account.GetContext().Config
	if tokens == nil {
		tokens = cfg.Cache
	}
	if log == nil {
		log = slog.Default()
	}
	kind := "_access_token_"
	if cfg.UseStableAK {
		kind = "_stable_access_token_"
	}
	return &WeChatSender{
		Account:    account,
		Cache:      tokens,
		TemplateID: templateID,
		Log:        log,
		custom:     account.GetCustomerMessageManager(),
		template:   account.GetTemplate(),
		tokenKey:   TokenKeyPrefix + kind + cfg.AppID,
	}
}

// Send delivers n as described on WeChatSender.
func (s *WeChatSender) Send(ctx context.Context, n orders.Notice) error {
	if s.custom == nil || s.template == nil {
		return errors.New("WeChatSender was not built by NewWeChatSender")
	}
	refreshed := false
	err := s.call(ctx, &refreshed, func() error {
		return s.custom.Send(message.NewCustomerTextMessage(n.OpenID, n.Text))
	})
	if err == nil {
		return nil
	}
	if code, _ := wechatCode(err); code == wxOutsideWindow {
		if s.TemplateID == "" {
			return fmt.Errorf("%w: outside the 48-hour window and no template configured: %w", orders.ErrPermanent, cleanErr(err))
		}
		if len(n.Data) == 0 {
			return fmt.Errorf("%w: outside the 48-hour window and the notice has no template data: %w", orders.ErrPermanent, cleanErr(err))
		}
		s.Log.Info("wechat: outside the 48-hour window, sending the template", "openid", n.OpenID, "id", n.ID, "kind", n.Kind)
		err = s.call(ctx, &refreshed, func() error {
			_, err := s.template.Send(s.templateMessage(n))
			return err
		})
		if err == nil {
			return nil
		}
		err = fmt.Errorf("template message: %w", err)
	}
	return classify(err)
}

// Call runs any one WeChat API call (creating the menu, say) with the same
// token handling as sends: when WeChat rejects the cached token, it is
// dropped and the call made once more.
func (s *WeChatSender) Call(ctx context.Context, f func() error) error {
	refreshed := false
	return s.call(ctx, &refreshed, f)
}

// call runs one library send, dropping the cached token and running it
// again when WeChat rejects the token, once per Send (*refreshed).
func (s *WeChatSender) call(ctx context.Context, refreshed *bool, send func() error) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		// The library reads the same cached token right after; knowing
		// it lets a rejection delete that token only (see dropToken).
		tok, err := s.Account.GetAccessToken()
		if err != nil {
			return fmt.Errorf("access token: %w", err)
		}
		err = send()
		if code, ok := wechatCode(err); ok && (code == wxInvalidToken || code == wxTokenExpired) && !*refreshed {
			*refreshed = true
			s.dropToken(tok, code)
			continue
		}
		return err
	}
}

// dropToken deletes the cached token if it is still the one WeChat
// rejected. Each fetch invalidates the previous token, so a replica that
// deleted a token another replica had just fetched would start a chain of
// refreshes knocking each other's tokens out. (The check and the delete
// are two calls; the window between them is tiny and only costs one more
// refresh.)
func (s *WeChatSender) dropToken(rejected string, code int64) {
	if s.Cache == nil {
		return
	}
	if cur, ok := s.Cache.Get(s.tokenKey).(string); ok && cur != rejected {
		s.Log.Info("wechat: token rejected but already replaced", "errcode", code)
		return
	}
	s.Log.Info("wechat: token rejected, fetching a new one", "errcode", code)
	if err := s.Cache.Delete(s.tokenKey); err != nil {
		s.Log.Error("wechat: drop rejected token", "err", err)
	}
}

func (s *WeChatSender) templateMessage(n orders.Notice) *message.TemplateMessage {
	data := make(map[string]*message.TemplateDataItem, len(n.Data))
	for k, v := range n.Data {
		data[k] = &message.TemplateDataItem{Value: v}
	}
	msg := &message.TemplateMessage{ToUser: n.OpenID, TemplateID: s.TemplateID, Data: data}
	// WeChat sends one message per openid+client_msg_id (for ten
	// minutes): a resend after a lost answer is not shown twice. Outbox
	// IDs fit; long caller IDs are left out rather than risk a refusal.
	if len(n.ID) <= 32 {
		msg.ClientMsgID = n.ID
	}
	return msg
}

// errcodeInText finds the errcode in silenceper's plain-text errors
// ("customer msg send error : errcode=45015 , errmsg=…"): its message
// senders do not return *util.CommonError.
var errcodeInText = regexp.MustCompile(`errcode=(-?\d+)`)

// wechatCode returns the WeChat errcode carried by err, if any.
func wechatCode(err error) (int64, bool) {
	if err == nil {
		return 0, false
	}
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return ce.ErrCode, true
	}
	if m := errcodeInText.FindStringSubmatch(err.Error()); m != nil {
		if c, perr := strconv.ParseInt(m[1], 10, 64); perr == nil {
			return c, true
		}
	}
	return 0, false
}

// classify wraps err in orders.ErrPermanent when retrying cannot help.
func classify(err error) error {
	if code, ok := wechatCode(err); ok && permanentCodes[code] {
		return fmt.Errorf("%w: %w", orders.ErrPermanent, cleanErr(err))
	}
	return cleanErr(err)
}

// redactedError shows err's text without secrets and keeps err for
// errors.Is/As (a timeout stays a timeout).
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// cleanErr hides tokens and the app secret, which the library's HTTP
// errors quote in URLs, before the error reaches Redis or a log.
func cleanErr(err error) error {
	if err == nil {
		return nil
	}
	if msg := redact.Secrets(err.Error()); msg != err.Error() {
		return &redactedError{msg: msg, err: err}
	}
	return err
}

// TokenKey is the cache key of the access token this sender drops when
// WeChat rejects it.
func (s *WeChatSender) TokenKey() string { return s.tokenKey }
