// Package wechat is baogong's adapter to the WeChat official-account
// platform: the callback handler (signatures, safe mode, size limits; the
// SDK's crypto and message types, our reading and writing of the XML),
// the access-token cache shared by every replica in Redis, and the Sender
// that pushes notices as customer-service or template messages. It knows
// nothing of orders' meaning: messages go to an Answer function, notices
// come from package outbox.
package wechat

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/credential"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/material"
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
	wxBadArgument     = 47003 // a template field too long or missing
	wxBadMediaID      = 40007
	wxReplyQuota      = 45047 // the person's budget of messages spent
	wxDailyQuota      = 45009 // the account's daily quota: temporary
	wxCustomSendQuota = 43117 // one person sent to too often: temporary
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
	wxBadArgument:   true,
	wxBadMediaID:    true,
}

// TokenKeyPrefix is the prefix under which silenceper caches the access
// token: prefix+"_access_token_"+appID, or prefix+"_stable_access_token_"+
// appID with UseStableAK. TestSenderTokenKey checks the key in Redis.
const TokenKeyPrefix = credential.CacheKeyOfficialAccountPrefix

// WeChatSender pushes notices to people through the official account,
// in whichever way package outbox chose: a customer-service text (Custom),
// a voice message (Voice) or a template message (Template). It also
// downloads what people send (Download) and runs any other API call with
// the shared token (Call).
//
// Errors say where the person stands, for the outbox to take another
// way: 45015 (outside the window) wraps orders.ErrOutsideWindow, 45047
// (the budget of customer-service messages spent) orders.ErrNoBudget,
// 40037 (an unknown template id) orders.ErrTemplateRefused and
// orders.ErrPermanent. 40001/42001 (the token was replaced or expired)
// drop the cached token and retry once; 43004 (unsubscribed), 40003 (bad
// openid) and refused payloads wrap orders.ErrPermanent; the account's
// daily quota (45009), sending to one person too often (43117), system
// errors and network failures are temporary. Error texts have tokens and
// the app secret redacted.
//
// silenceper's Send methods take no context: a send is bounded by
// util.DefaultHTTPClient's timeout (the app sets one; the library's default
// has none), per HTTP call. The ctx given is checked before each call
// only. Build it with NewWeChatSender; it is safe for concurrent use.
type WeChatSender struct {
	// Account is the official account; its config's AppID and UseStableAK
	// name the cached token.
	Account *officialaccount.OfficialAccount
	// Cache is the account's token cache (the TokenCache), from which a
	// rejected token is deleted so the library fetches a new one.
	Cache cache.Cache
	// APIBase is where the WeChat API answers (https://api.weixin.qq.com,
	// or a fake): downloads are made here, not by the library.
	APIBase string
	// Location is the time zone of template messages' times.
	Location *time.Location
	// Layouts are the fields of templates that do not have DefaultLayout's
	// (wechat.template_fields), by template id.
	Layouts map[string]Layout
	// Log receives token refreshes (openids, never text).
	Log *slog.Logger

	custom   *message.Manager
	template *message.Template
	material *material.Material
	tokenKey string
}

// NewWeChatSender returns a sender through account. It fetches the
// library's managers once, here: silenceper's lazy getters are not
// synchronised, so calling them per send would race. tokens is the cache
// the account was configured with (nil: the account's own).
func NewWeChatSender(account *officialaccount.OfficialAccount, tokens cache.Cache, log *slog.Logger) *WeChatSender {
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
		Account:  account,
		Cache:    tokens,
		APIBase:  "https://api.weixin.qq.com",
		Location: time.Local,
		Log:      log,
		custom:   account.GetCustomerMessageManager(),
		template: account.GetTemplate(),
		material: account.GetMaterial(),
		tokenKey: TokenKeyPrefix + kind + cfg.AppID,
	}
}

var errNotBuilt = errors.New("WeChatSender was not built by NewWeChatSender")

// Custom sends n.Text as a customer-service text message.
func (s *WeChatSender) Custom(ctx context.Context, n orders.Notice) error {
	if s.custom == nil {
		return errNotBuilt
	}
	refreshed := false
	return classify(s.call(ctx, &refreshed, func() error {
		return s.custom.Send(message.NewCustomerTextMessage(n.OpenID, n.Text))
	}))
}

// Voice uploads a voice (AMR or MP3, as WeChat's voice messages are) and
// sends it to openid as a customer-service voice message.
func (s *WeChatSender) Voice(ctx context.Context, openid string, voice []byte) error {
	if s.custom == nil {
		return errNotBuilt
	}
	refreshed := false
	var media material.Media
	err := s.call(ctx, &refreshed, func() error {
		var err error
		media, err = s.material.MediaUploadFromReader(material.MediaTypeVoice, "voice.amr", bytes.NewReader(voice))
		return err
	})
	if err != nil {
		return classify(fmt.Errorf("upload voice: %w", err))
	}
	return classify(s.call(ctx, &refreshed, func() error {
		return s.custom.Send(message.NewCustomerVoiceMessage(openid, media.MediaID))
	}))
}

// Template sends n as the template message templateID: n.Brief in its
// fields (see TemplateFields) and n.URL as its link. Its client_msg_id is
// made from n.ID, so WeChat shows a resend after a lost answer once.
func (s *WeChatSender) Template(ctx context.Context, n orders.Notice, templateID string) error {
	if s.template == nil {
		return errNotBuilt
	}
	if n.Brief == nil {
		return fmt.Errorf("%w: notice %s has no brief for a template", orders.ErrPermanent, n.ID)
	}
	refreshed := false
	err := s.call(ctx, &refreshed, func() error {
		_, err := s.template.Send(s.templateMessage(n, templateID))
		return err
	})
	if err != nil {
		err = fmt.Errorf("template message: %w", err)
	}
	return classify(err)
}

// AccountTemplates lists the account's templates (公众平台 → 模板消息) with
// the fields each shows, by template id.
func (s *WeChatSender) AccountTemplates(ctx context.Context) (map[string][]string, error) {
	if s.template == nil {
		return nil, errNotBuilt
	}
	var list []*message.TemplateItem
	err := s.Call(ctx, func() error {
		var err error
		list, err = s.template.List()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list the account's templates: %w", cleanErr(err))
	}
	out := make(map[string][]string, len(list))
	for _, t := range list {
		out[t.TemplateID] = ContentFields(t.Content)
	}
	return out, nil
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

func (s *WeChatSender) templateMessage(n orders.Notice, templateID string) *message.TemplateMessage {
	l, ok := s.Layouts[templateID]
	if !ok {
		l = DefaultLayout
	}
	fields := l.Fields(*n.Brief, n.CreatedAt, s.Location)
	data := make(map[string]*message.TemplateDataItem, len(fields))
	for k, v := range fields {
		data[k] = &message.TemplateDataItem{Value: v}
	}
	// WeChat sends one message per openid+client_msg_id (for ten
	// minutes): a resend after a lost answer is not shown twice.
	return &message.TemplateMessage{ToUser: n.OpenID, TemplateID: templateID, URL: n.URL, Data: data, ClientMsgID: ClientMsgID(n.ID)}
}

// ClientMsgID is the client_msg_id of notice id: the id itself when it
// fits WeChat's 32 characters, else a digest of it.
func ClientMsgID(id string) string {
	if len(id) <= 32 {
		return id
	}
	sum := sha256.Sum256([]byte(id))
	return hex.EncodeToString(sum[:16])
}

// wechatCode returns the WeChat errcode carried by err, if any.
func wechatCode(err error) (int64, bool) {
	if err == nil {
		return 0, false
	}
	var ce *util.CommonError
	if errors.As(err, &ce) {
		return ce.ErrCode, true
	}
	// silenceper's message senders do not return *util.CommonError: the
	// code is in the text.
	return orders.WeChatCode(err.Error())
}

// classify wraps err in the error kind the outbox acts on: where the
// person stands (orders.ErrOutsideWindow, ErrNoBudget), a template the
// account lacks (ErrTemplateRefused, permanent too), or a send no retry
// can cure (orders.ErrPermanent).
func classify(err error) error {
	code, ok := wechatCode(err)
	switch {
	case !ok:
		return cleanErr(err)
	case code == wxOutsideWindow:
		return fmt.Errorf("%w: %w", orders.ErrOutsideWindow, cleanErr(err))
	case code == wxReplyQuota:
		return fmt.Errorf("%w: %w", orders.ErrNoBudget, cleanErr(err))
	case code == wxBadTemplateID:
		return fmt.Errorf("%w: %w: %w", orders.ErrTemplateRefused, orders.ErrPermanent, cleanErr(err))
	case permanentCodes[code]:
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
