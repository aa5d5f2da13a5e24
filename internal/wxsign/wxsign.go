// Package wxsign builds WeChat official-account callback requests byte for
// byte as WeChat's servers send them, and opens the answers a callback gives.
//
// It exists so handler tests, the end-to-end test and the demo web page can
// talk to the bot exactly like WeChat does, without trusting the library the
// bot itself uses (github.com/silenceper/wechat): the AES envelope in crypto.go is
// written from the protocol description with crypto/aes, so a test that pairs
// this package with the library checks two independent implementations
// against each other and against Tencent's published sample vectors.
package wxsign

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Account is the configuration an official account shares with WeChat.
type Account struct {
	// Token is the "令牌" from the server configuration; it keys every
	// signature.
	Token string
	// AppID identifies the account; safe mode appends it to every plaintext
	// and receivers must check it.
	AppID string
	// EncodingAESKey is the 43-character key for safe (encrypted) mode; it
	// may be empty for accounts that only use plain mode.
	EncodingAESKey string
}

// Reply is the part of a passive callback reply the bot's tests look at.
type Reply struct {
	// ToUserName is the user's openid the reply goes to.
	ToUserName string
	// FromUserName is the account's original ID (gh_…).
	FromUserName string
	// MsgType is the reply type, e.g. "text".
	MsgType string
	// Content is the text of a text reply.
	Content string
	// CreateTime is the reply's Unix time.
	CreateTime int64
}

// Sign returns WeChat's signature over parts: sorted, concatenated, SHA-1, hex.
func Sign(parts ...string) string {
	// Sort a copy: callers pass their own slices (or literals) and must not
	// see them reordered.
	s := append([]string(nil), parts...)
	sort.Strings(s)
	h := sha1.New()
	for _, p := range s {
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyURL returns the GET URL WeChat calls when the server address is
// configured: base plus signature, timestamp, nonce and echostr.
func (a Account) VerifyURL(base, echostr string, ts time.Time, nonce string) string {
	stamp := timestamp(ts)
	q := url.Values{}
	q.Set("signature", Sign(a.Token, stamp, nonce))
	q.Set("echostr", echostr)
	q.Set("timestamp", stamp)
	q.Set("nonce", nonce)
	return withQuery(base, q)
}

// TextXML returns a text message as WeChat posts it.
func TextXML(toUser, fromUser, content string, msgID int64, created time.Time) []byte {
	var b strings.Builder
	head(&b, toUser, fromUser, created, "text")
	cdata(&b, "Content", content)
	num(&b, "MsgId", msgID)
	return tail(&b)
}

// EventXML returns an event push (subscribe, unsubscribe, CLICK, …) as WeChat
// posts it; EventKey is left out when empty, as for a plain follow.
func EventXML(toUser, fromUser, event, eventKey string, created time.Time) []byte {
	var b strings.Builder
	head(&b, toUser, fromUser, created, "event")
	cdata(&b, "Event", event)
	if eventKey != "" {
		cdata(&b, "EventKey", eventKey)
	}
	return tail(&b)
}

// ImageXML returns an image message as WeChat posts it.
func ImageXML(toUser, fromUser, picURL, mediaID string, msgID int64, created time.Time) []byte {
	var b strings.Builder
	head(&b, toUser, fromUser, created, "image")
	cdata(&b, "PicUrl", picURL)
	cdata(&b, "MediaId", mediaID)
	num(&b, "MsgId", msgID)
	return tail(&b)
}

// VoiceXML returns a voice message as WeChat posts it: the recording's
// MediaId and Format, and what speech recognition heard. Recognition is
// left out when empty, as when the account has 接收语音识别结果 off.
func VoiceXML(toUser, fromUser, mediaID, recognition string, msgID int64, created time.Time) []byte {
	var b strings.Builder
	head(&b, toUser, fromUser, created, "voice")
	cdata(&b, "MediaId", mediaID)
	cdata(&b, "Format", "amr")
	if recognition != "" {
		cdata(&b, "Recognition", recognition)
	}
	num(&b, "MsgId", msgID)
	return tail(&b)
}

// Plain returns a signed plain-mode POST of body to base, ready for
// httptest or a real client.
func (a Account) Plain(base string, body []byte, ts time.Time, nonce string) (*http.Request, error) {
	q := a.baseQuery(body, ts, nonce)
	return newPost(withQuery(base, q), body)
}

// Safe returns a safe-mode POST: body encrypted with a fresh random prefix
// and wrapped in WeChat's envelope, signed with both signature and
// msg_signature.
func (a Account) Safe(base string, body []byte, ts time.Time, nonce string) (*http.Request, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("wxsign: random prefix: %w", err)
	}
	return a.safe(base, body, ts, nonce, random)
}

// safe is Safe with the random prefix supplied, so tests can pin it.
func (a Account) safe(base string, body []byte, ts time.Time, nonce string, random []byte) (*http.Request, error) {
	enc, err := a.Encrypt(body, random)
	if err != nil {
		return nil, err
	}
	q := a.baseQuery(body, ts, nonce)
	q.Set("encrypt_type", "aes")
	q.Set("msg_signature", Sign(a.Token, q.Get("timestamp"), nonce, enc))
	// The envelope repeats ToUserName in clear, as WeChat does, so a
	// receiver can route before decrypting.
	var b strings.Builder
	b.WriteString("<xml>")
	cdata(&b, "ToUserName", peek(body).ToUserName)
	cdata(&b, "Encrypt", enc)
	return newPost(withQuery(base, q), tail(&b))
}

// baseQuery is the query WeChat puts on every POST: the Token signature and
// the sender's openid (which it copies from FromUserName).
func (a Account) baseQuery(body []byte, ts time.Time, nonce string) url.Values {
	stamp := timestamp(ts)
	q := url.Values{}
	q.Set("signature", Sign(a.Token, stamp, nonce))
	q.Set("timestamp", stamp)
	q.Set("nonce", nonce)
	if from := peek(body).FromUserName; from != "" {
		q.Set("openid", from)
	}
	return q
}

// OpenReply parses what a callback answered. In safe mode it checks the
// MsgSignature, decrypts, and checks the AppID first. An empty body or
// "success" (WeChat's "no reply") gives a zero Reply and no error.
func (a Account) OpenReply(body []byte, safe bool) (Reply, error) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 || string(trimmed) == "success" {
		return Reply{}, nil
	}
	var env struct {
		XMLName      xml.Name
		Encrypt      string `xml:"Encrypt"`
		MsgSignature string `xml:"MsgSignature"`
		TimeStamp    string `xml:"TimeStamp"`
		Nonce        string `xml:"Nonce"`
	}
	if err := xml.Unmarshal(trimmed, &env); err != nil {
		return Reply{}, fmt.Errorf("wxsign: reply is not XML: %w", err)
	}
	if env.XMLName.Local != "xml" {
		return Reply{}, fmt.Errorf("wxsign: reply root is <%s>, want <xml>", env.XMLName.Local)
	}
	inner := trimmed
	switch {
	case safe:
		if env.Encrypt == "" {
			// A clear reply to an encrypted message would be shown as
			// garbage by WeChat; callers need to know.
			return Reply{}, errors.New("wxsign: safe-mode reply is not encrypted")
		}
		if want := Sign(a.Token, env.TimeStamp, env.Nonce, env.Encrypt); env.MsgSignature != want {
			return Reply{}, fmt.Errorf("wxsign: reply MsgSignature %q, want %q", env.MsgSignature, want)
		}
		plain, appID, err := a.Decrypt(env.Encrypt)
		if err != nil {
			return Reply{}, err
		}
		if appID != a.AppID {
			return Reply{}, fmt.Errorf("wxsign: reply encrypted for AppID %q, want %q", appID, a.AppID)
		}
		inner = plain
	case env.Encrypt != "":
		return Reply{}, errors.New("wxsign: plain-mode reply is encrypted")
	}
	var r struct {
		XMLName      xml.Name
		ToUserName   string `xml:"ToUserName"`
		FromUserName string `xml:"FromUserName"`
		MsgType      string `xml:"MsgType"`
		Content      string `xml:"Content"`
		CreateTime   int64  `xml:"CreateTime"`
	}
	if err := xml.Unmarshal(inner, &r); err != nil {
		return Reply{}, fmt.Errorf("wxsign: reply message is not XML: %w", err)
	}
	if r.XMLName.Local != "xml" {
		return Reply{}, fmt.Errorf("wxsign: reply message root is <%s>, want <xml>", r.XMLName.Local)
	}
	return Reply{
		ToUserName:   r.ToUserName,
		FromUserName: r.FromUserName,
		MsgType:      r.MsgType,
		Content:      r.Content,
		CreateTime:   r.CreateTime,
	}, nil
}

// peek reads the addressing fields of a message; a body that is not a
// message just yields empty fields, because callers may post anything.
func peek(body []byte) (m struct {
	ToUserName   string `xml:"ToUserName"`
	FromUserName string `xml:"FromUserName"`
}) {
	_ = xml.Unmarshal(body, &m)
	return m
}

func newPost(target string, body []byte) (*http.Request, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("wxsign: %w", err)
	}
	// WeChat posts XML as text/xml; anything containing application/json
	// would switch silenceper's server into JSON mode.
	req.Header.Set("Content-Type", "text/xml")
	return req, nil
}

// withQuery adds q to base, keeping any query base already has.
func withQuery(base string, q url.Values) string {
	u, err := url.Parse(base)
	if err != nil {
		// Keep going with a best effort: the caller will see the bad URL
		// when it is used, with a clearer error than ours.
		return base + "?" + q.Encode()
	}
	merged := u.Query()
	for k, vs := range q {
		merged[k] = vs
	}
	u.RawQuery = merged.Encode()
	return u.String()
}

func timestamp(ts time.Time) string { return strconv.FormatInt(ts.Unix(), 10) }

// head writes the fields every message starts with. WeChat separates the
// elements with newlines (see the decrypted official samples), so we do too.
func head(b *strings.Builder, to, from string, created time.Time, msgType string) {
	b.WriteString("<xml>")
	cdata(b, "ToUserName", to)
	cdata(b, "FromUserName", from)
	num(b, "CreateTime", created.Unix())
	cdata(b, "MsgType", msgType)
}

func tail(b *strings.Builder) []byte {
	b.WriteString("</xml>")
	return []byte(b.String())
}

func cdata(b *strings.Builder, name, value string) {
	// "]]>" would end the section early; split it across two sections,
	// the standard way to carry it.
	value = strings.ReplaceAll(value, "]]>", "]]]]><![CDATA[>")
	fmt.Fprintf(b, "<%s><![CDATA[%s]]></%s>\n", name, value, name)
}

func num(b *strings.Builder, name string, v int64) {
	fmt.Fprintf(b, "<%s>%d</%s>\n", name, v, name)
}
