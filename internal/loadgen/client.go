package loadgen

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/baogong/baogong/internal/wxsign"
)

// Mode is how the tool sends messages.
type Mode string

// The modes: WeChat's plain (明文) and safe (安全, AES) modes, or the two
// taking turns message by message.
const (
	Plain Mode = "plain"
	Safe  Mode = "safe"
	Mixed Mode = "mixed"
)

// ParseMode reads a Mode.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case Plain, Safe, Mixed:
		return m, nil
	}
	return "", fmt.Errorf("mode %q: want plain, safe or mixed", s)
}

// Error kinds of messages that got no readable answer.
const (
	ErrTimeout   = "timeout"   // no answer within the request timeout
	ErrTransport = "transport" // connection refused, reset, …
	ErrBadReply  = "bad_reply" // not XML, bad signature, cannot decrypt
	ErrEmpty     = "empty"     // "success" or an empty body: no reply at all
)

// client signs text messages for one callback URL. It is shared by the
// workers of a phase; each brings its own connection (a wire).
type client struct {
	acct   wxsign.Account
	target *url.URL
	toUser string
	mode   Mode
	// msgID is shared by every client of a run: MsgIds never repeat.
	msgID   *atomic.Int64
	timeout time.Duration
}

// outcome is what one message got: the raw answer, opened later (see
// open) so the work of opening stays out of the measured time.
type outcome struct {
	raw     []byte
	safe    bool
	latency time.Duration
	sent    time.Time // when the request was written
	err     string    // an Err kind or http_<status>, "" when answered
	reply   string    // the answer's text, once opened
}

// send posts text from the user as WeChat would: a fresh MsgId, the
// current time and a fresh nonce, signed, and encrypted in safe mode. The
// latency runs from writing the request to having read the whole answer.
func (c *client) send(w *wire, from, text string) outcome {
	id := c.msgID.Add(1)
	safe := c.mode == Safe || c.mode == Mixed && id%2 == 0
	uri, body, err := c.sign(from, text, id, time.Now(), safe)
	if err != nil {
		return outcome{err: ErrTransport}
	}
	start := time.Now()
	status, raw, err := w.post(uri, body)
	o := outcome{raw: raw, safe: safe, latency: time.Since(start), sent: start}
	switch {
	case err != nil:
		o.err = transportKind(err)
	case status != 200:
		o.err = "http_" + strconv.Itoa(status)
	}
	return o
}

// open reads the answer as WeChat does: in safe mode it checks the
// signature and the AppID and decrypts.
func (o *outcome) open(acct wxsign.Account) {
	if o.err != "" {
		return
	}
	r, err := acct.OpenReply(o.raw, o.safe)
	switch {
	case err != nil:
		o.err = ErrBadReply
	case r.Content == "":
		o.err = ErrEmpty
	}
	o.reply, o.raw = r.Content, nil
}

// sign returns the request URI and body WeChat would post for the text:
// wxsign's message, signature and AES envelope. (wxsign.Account.Plain and
// Safe build the same, but parse the XML they were given to find the
// users; here the users are known, and the tool's time is the service's.)
func (c *client) sign(from, text string, id int64, now time.Time, safe bool) (uri string, body []byte, err error) {
	msg := wxsign.TextXML(c.toUser, from, text, id, now)
	stamp := strconv.FormatInt(now.Unix(), 10)
	nonce := strconv.FormatInt(id, 36)
	q := url.Values{
		"signature": {wxsign.Sign(c.acct.Token, stamp, nonce)},
		"timestamp": {stamp},
		"nonce":     {nonce},
		"openid":    {from},
	}
	if safe {
		random := make([]byte, 16)
		rand.Read(random)
		enc, err := c.acct.Encrypt(msg, random)
		if err != nil {
			return "", nil, err
		}
		q.Set("encrypt_type", "aes")
		q.Set("msg_signature", wxsign.Sign(c.acct.Token, stamp, nonce, enc))
		msg = []byte("<xml><ToUserName><![CDATA[" + c.toUser + "]]></ToUserName>\n<Encrypt><![CDATA[" + enc + "]]></Encrypt>\n</xml>")
	}
	return c.target.EscapedPath() + "?" + q.Encode(), msg, nil
}

func transportKind(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return ErrTimeout
	}
	return ErrTransport
}

// CheckLoopback refuses a URL whose host is not a loopback address
// (127.0.0.0/8, ::1 or "localhost"): the tool is for a service on this
// machine, and this workplace forbids load on other addresses.
func CheckLoopback(raw string) error {
	u, err := parseTarget(raw)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("url %q is not a loopback address (127.0.0.1, ::1, localhost); pass --allow-remote to load another host", raw)
}

// parseTarget reads a callback URL: http only (the tool speaks HTTP/1.1
// over plain TCP, as a load generator next to the service does).
func parseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("url %q: %w", raw, err)
	}
	if u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("url %q: want http://host:port/path", raw)
	}
	if u.RawQuery != "" || strings.Contains(raw, "#") {
		return nil, fmt.Errorf("url %q: no query or fragment, please: the tool adds WeChat's", raw)
	}
	return u, nil
}
