package wechat

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"

	"github.com/baogong/baogong/orders"
)

// Message is one message or event from a WeChat user, as the handler
// hands it on.
type Message struct {
	OpenID   string
	MsgType  string // text, image, event, ...
	Content  string
	Event    string // subscribe, unsubscribe, CLICK, ...
	EventKey string
	MsgID    int64
	Created  int64 // CreateTime, seconds
	PicURL   string
	MediaID  string
	// Recognition is what WeChat's speech recognition heard in a voice
	// message ("" when recognition is off or heard nothing).
	Recognition string
	// Signed, when set, is a plaintext callback's signature for Answer to
	// tie to its body (see Handler.NoncesInAnswer).
	Signed *orders.Signed
}

// Forged is what Answer returns for a message whose Signed is tied to
// another body: the handler refuses it (403) and replies nothing.
const Forged = "\x00forged"

// DedupeKey identifies a delivery so WeChat's retries of it are
// recognised: the MsgId for messages, the sender, time and event for events
// (which have no MsgId).
func (r Message) DedupeKey() string {
	if r.MsgType != "event" && r.MsgID != 0 {
		// MsgId is unique per account as WeChat makes them, but anyone
		// who can sign a callback picks it: with the sender in the key,
		// one sender's message never answers another's. The sender is
		// named by pseudonym: keys are seen by whoever looks at Redis.
		return "m:" + orders.Pseudonym(r.OpenID) + ":" + strconv.FormatInt(r.MsgID, 10)
	}
	return "e:" + orders.Pseudonym(r.OpenID) + ":" + strconv.FormatInt(r.Created, 10) + ":" + r.Event + ":" + r.EventKey
}

// Handler is the WeChat callback (/wechat). It checks the body's size and
// the signatures before any parsing, so every failure gets the right
// status; decrypts with the SDK's crypto and reads the message into the
// SDK's type (decodeMessage), hands it to Answer and writes the answer
// (textReply, encryptedReply). The SDK's server is not used: it parsed
// the query six times and the body with reflection on every message, and
// read the safe-mode timestamp as a 32-bit number (every encrypted message
// after January 2038 would have been refused).
type Handler struct {
	Account *officialaccount.OfficialAccount
	// Answer returns the text to reply to m ("" for none) within ctx.
	Answer func(ctx context.Context, m Message) string
	// Token and Safe mirror the account's config: Token signs requests;
	// with an EncodingAESKey set, messages may come encrypted.
	Token string
	// MaxBody bounds the request body; WeChat's messages are a few KiB.
	MaxBody int64
	// Budget is how long a message may take before we answer anyway;
	// WeChat gives up after 5 s and retries.
	Budget time.Duration
	// MaxAge refuses signed requests whose timestamp is further than this
	// from now (0: no check). Retries come within seconds; an old signed
	// request is a replay, which must not order again once the dedupe
	// keys have expired.
	MaxAge time.Duration
	// Now is the clock for MaxAge (time.Now when nil).
	Now func() time.Time
	// RequireSafe refuses plaintext messages. With an EncodingAESKey set,
	// WeChat sends every message encrypted (安全模式 and 兼容模式 alike);
	// a plaintext one is a forgery, since its signature does not cover
	// its body.
	RequireSafe bool
	// Nonces, when set, ties each signed query of a plaintext message to
	// its body for MaxAge: the same signature with another body (someone
	// who saw one callback URL) is refused, WeChat's retry of the same
	// body is not. An encrypted message needs none: its msg_signature
	// covers the body.
	Nonces Nonces
	// NoncesInAnswer, with Nonces, leaves the binding of a plaintext
	// message's signature to Answer (Message.Signed), which binds it in
	// the store step that claims the message: a round trip less per
	// message. Only for an account of one community, whose keys Answer's
	// store holds: on an account of several, a body naming a sender of
	// another community would be bound in that community's keys, not
	// checked against the first.
	NoncesInAnswer bool
	Log            *slog.Logger
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !same(util.Signature(h.Token, q.Get("timestamp"), q.Get("nonce")), q.Get("signature")) {
		http.Error(w, "bad signature", http.StatusForbidden)
		return
	}
	// Read once: the age check and a safe-mode reply's signature use it.
	ts, tsErr := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if h.MaxAge > 0 && (tsErr != nil || !h.fresh(ts)) {
		http.Error(w, "stale timestamp", http.StatusForbidden)
		return
	}
	switch r.Method {
	case http.MethodGet:
		// Server verification: echo echostr unchanged. Its signature is
		// used up for messages: a plaintext POST under it is refused.
		if h.Nonces != nil && !h.bind(w, r, q.Get("signature"), "GET") {
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		io.WriteString(w, q.Get("echostr"))
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.MaxBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
		return
	case err != nil:
		http.Error(w, "cannot read body", http.StatusBadRequest)
		return
	}
	safe := q.Get("encrypt_type") == "aes"
	if !safe && h.RequireSafe {
		http.Error(w, "plaintext messages are refused: this account encrypts", http.StatusForbidden)
		return
	}
	raw := body
	cfg := h.Account.GetContext().Config
	if safe {
		// Check msg_signature ourselves so a forged message is a 403;
		// decrypt what was checked.
		encrypted, ok := encryptOf(body)
		if !ok {
			http.Error(w, "malformed message", http.StatusBadRequest)
			return
		}
		if !same(util.Signature(h.Token, q.Get("timestamp"), q.Get("nonce"), encrypted), q.Get("msg_signature")) {
			http.Error(w, "bad signature", http.StatusForbidden)
			return
		}
		// The reply is signed with the request's timestamp.
		if tsErr != nil {
			http.Error(w, "malformed message", http.StatusBadRequest)
			return
		}
		if _, raw, err = util.DecryptMsg(cfg.AppID, encrypted, cfg.EncodingAESKey); err != nil {
			h.Log.Warn("unreadable wechat message", "err", err, "bytes", len(body))
			http.Error(w, "malformed message", http.StatusBadRequest)
			return
		}
	}
	var signed *orders.Signed
	if !safe && h.Nonces != nil {
		sum := sha256.Sum256(body)
		if h.NoncesInAnswer {
			signed = &orders.Signed{Signature: q.Get("signature"), Sum: hex.EncodeToString(sum[:]), TTL: h.nonceTTL()}
		} else if !h.bind(w, r, q.Get("signature"), hex.EncodeToString(sum[:])) {
			return
		}
	}
	in, err := decodeMessage(raw, strings.Contains(r.Header.Get("Content-Type"), "application/json"))
	if err != nil {
		h.Log.Warn("unreadable wechat message", "err", err, "bytes", len(body))
		http.Error(w, "malformed message", http.StatusBadRequest)
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), h.Budget)
	defer cancel()
	msg := messageOf(in)
	msg.Signed = signed
	answer := h.Answer(ctx, msg)
	switch answer {
	case Forged:
		http.Error(w, "signature used for another message", http.StatusForbidden)
		return
	case "":
		// WeChat's "no reply", in either mode.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, "success")
		return
	}
	out := textReply(string(in.FromUserName), string(in.ToUserName), h.now().Unix(), answer)
	if safe {
		if out, err = encryptedReply(out, cfg.AppID, cfg.EncodingAESKey, h.Token, ts, q.Get("nonce")); err != nil {
			h.Log.Error("send reply", "err", err)
			http.Error(w, "cannot answer", http.StatusInternalServerError)
			return
		}
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Write(out)
}

// encryptOf returns the <Encrypt> of a safe-mode body. WeChat writes it
// as a CDATA section, which is read without an XML decoder; any other
// form is decoded.
func encryptOf(body []byte) (string, bool) {
	const open, end = "<Encrypt><![CDATA[", "]]></Encrypt>"
	// Only a body with one Encrypt: with two, encoding/xml keeps the
	// last, and both ways of reading must agree.
	if i := bytes.Index(body, []byte(open)); i >= 0 && bytes.Count(body, []byte("<Encrypt")) == 1 {
		rest := body[i+len(open):]
		if j := bytes.Index(rest, []byte(end)); j > 0 {
			return string(rest[:j]), true
		}
	}
	var env struct {
		Encrypt string `xml:"Encrypt"`
	}
	if xml.Unmarshal(body, &env) != nil || env.Encrypt == "" {
		return "", false
	}
	return env.Encrypt, true
}

// bind ties a plaintext request's signature to what it carries (a body's
// hash, or "GET"): the same signature with anything else is refused with
// 403. The key is the signature itself, not timestamp and nonce, which
// could be split differently into the same signed string. It reports
// whether the request may go on (it answered otherwise).
func (h *Handler) bind(w http.ResponseWriter, r *http.Request, signature, sum string) bool {
	ok, err := h.Nonces.Bind(r.Context(), signature, sum, h.nonceTTL())
	switch {
	case err != nil:
		// Cannot tell a replay from a retry: WeChat retries.
		h.Log.Error("remember callback signature", "err", err)
		http.Error(w, "try again", http.StatusServiceUnavailable)
		return false
	case !ok:
		http.Error(w, "signature used for another message", http.StatusForbidden)
		return false
	}
	return true
}

// nonceTTL is how long a signature stays tied to its body: twice the
// age a timestamp may have.
func (h *Handler) nonceTTL() time.Duration { return 2 * h.MaxAge }

// same compares signatures in constant time.
func same(want, got string) bool {
	return subtle.ConstantTimeCompare([]byte(want), []byte(got)) == 1
}

// fresh reports whether a request's timestamp (Unix seconds) is within
// MaxAge of now.
func (h *Handler) fresh(sec int64) bool {
	d := h.now().Sub(time.Unix(sec, 0))
	return d <= h.MaxAge && d >= -h.MaxAge
}

func (h *Handler) now() time.Time {
	if h.Now != nil {
		return h.Now()
	}
	return time.Now()
}

func messageOf(m *message.MixMessage) Message {
	return Message{
		OpenID:   string(m.FromUserName),
		MsgType:  string(m.MsgType),
		Content:  m.Content,
		Event:    string(m.Event),
		EventKey: m.EventKey,
		MsgID:    m.MsgID,
		Created:  m.CreateTime,
		PicURL:   m.PicURL,
		MediaID:  m.MediaID,

		Recognition: m.Recognition,
	}
}
