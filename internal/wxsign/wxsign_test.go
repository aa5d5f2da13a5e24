package wxsign

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
)

var created = time.Unix(1700000000, 0)

// TestXMLExactBytes pins the wire format: it is what real WeChat posts
// (newline-separated elements, CDATA for strings), as seen in the decrypted
// official samples.
func TestXMLExactBytes(t *testing.T) {
	got := string(TextXML("gh_bot", "oUser", "你好 <b>&]]>", 42, created))
	want := "<xml><ToUserName><![CDATA[gh_bot]]></ToUserName>\n" +
		"<FromUserName><![CDATA[oUser]]></FromUserName>\n" +
		"<CreateTime>1700000000</CreateTime>\n" +
		"<MsgType><![CDATA[text]]></MsgType>\n" +
		"<Content><![CDATA[你好 <b>&]]]]><![CDATA[>]]></Content>\n" +
		"<MsgId>42</MsgId>\n" +
		"</xml>"
	if got != want {
		t.Fatalf("TextXML =\n%s\nwant\n%s", got, want)
	}
	if got := string(EventXML("gh_bot", "oUser", "subscribe", "", created)); strings.Contains(got, "EventKey") {
		t.Errorf("plain subscribe carries EventKey: %s", got)
	}
}

// TestXMLParsedByLibrary checks the builders against the parser the bot uses.
func TestXMLParsedByLibrary(t *testing.T) {
	parse := func(b []byte) message.MixMessage {
		t.Helper()
		var m message.MixMessage
		if err := xml.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		return m
	}
	m := parse(TextXML("gh_bot", "oUser", "a ]]> b", 7, created))
	if m.ToUserName != "gh_bot" || m.FromUserName != "oUser" || m.MsgType != message.MsgTypeText ||
		m.Content != "a ]]> b" || m.MsgID != 7 || m.CreateTime != created.Unix() {
		t.Errorf("text parsed as %+v", m.CommonToken)
	}
	m = parse(EventXML("gh_bot", "oUser", "CLICK", "MENU_ORDERS", created))
	if m.MsgType != message.MsgTypeEvent || m.Event != message.EventClick || m.EventKey != "MENU_ORDERS" {
		t.Errorf("event parsed as %s/%s/%s", m.MsgType, m.Event, m.EventKey)
	}
	m = parse(ImageXML("gh_bot", "oUser", "http://mmbiz.qpic.cn/x.jpg", "MEDIA1", 9, created))
	if m.MsgType != message.MsgTypeImage || m.PicURL != "http://mmbiz.qpic.cn/x.jpg" || m.MediaID != "MEDIA1" || m.MsgID != 9 {
		t.Errorf("image parsed as %+v", m)
	}
	m = parse(VoiceXML("gh_bot", "oUser", "MEDIA2", "我要两份蔬菜包。", 11, created))
	if m.MsgType != message.MsgTypeVoice || m.MediaID != "MEDIA2" || m.Format != "amr" || m.Recognition != "我要两份蔬菜包。" || m.MsgID != 11 {
		t.Errorf("voice parsed as %+v", m)
	}
	if got := string(VoiceXML("gh_bot", "oUser", "MEDIA3", "", 12, created)); strings.Contains(got, "Recognition") {
		t.Errorf("voice without recognition carries Recognition: %s", got)
	}
}

func TestVerifyURLKeepsQuery(t *testing.T) {
	u, err := url.Parse(testAccount.VerifyURL("http://h/wechat?x=1", "echo", created, "n1"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("x") != "1" || q.Get("echostr") != "echo" || q.Get("timestamp") != "1700000000" ||
		q.Get("signature") != Sign(testAccount.Token, "1700000000", "n1") {
		t.Fatalf("bad query %v", q)
	}
}

// libraryServer is silenceper's callback server answering "echo: <text>",
// standing in for the bot so Plain, Safe and OpenReply are checked against
// the implementation the bot really runs.
func libraryServer(acct Account) http.Handler {
	oa := officialaccount.NewOfficialAccount(&config.Config{
		AppID: acct.AppID, AppSecret: "unused", Token: acct.Token, EncodingAESKey: acct.EncodingAESKey,
		Cache: cache.NewMemory(),
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		srv := oa.GetServer(r, w)
		srv.SetMessageHandler(func(m *message.MixMessage) *message.Reply {
			if m.MsgType != message.MsgTypeText {
				return nil
			}
			return &message.Reply{MsgType: message.MsgTypeText, MsgData: message.NewText("echo: " + m.Content)}
		})
		if err := srv.Serve(); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if err := srv.Send(); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
}

func do(t *testing.T, h http.Handler, req *http.Request) (int, []byte) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	body, _ := io.ReadAll(rec.Result().Body)
	return rec.Code, body
}

func TestAgainstLibraryServer(t *testing.T) {
	h := libraryServer(testAccount)
	body := TextXML("gh_bot", "oUser", "包子 ×2", 1, created)

	t.Run("verify", func(t *testing.T) {
		req := httptest.NewRequest("GET", testAccount.VerifyURL("/wechat", "8833", created, "nn"), nil)
		if code, got := do(t, h, req); code != 200 || string(got) != "8833" {
			t.Fatalf("GET verify = %d %q", code, got)
		}
	})
	for _, safe := range []bool{false, true} {
		name := map[bool]string{false: "plain", true: "safe"}[safe]
		t.Run(name, func(t *testing.T) {
			build := testAccount.Plain
			if safe {
				build = testAccount.Safe
			}
			req, err := build("http://bot.example/wechat", body, created, "nonce1")
			if err != nil {
				t.Fatal(err)
			}
			if req.URL.Query().Get("openid") != "oUser" {
				t.Errorf("openid = %q", req.URL.Query().Get("openid"))
			}
			code, out := do(t, h, req)
			if code != 200 {
				t.Fatalf("status %d: %s", code, out)
			}
			r, err := testAccount.OpenReply(out, safe)
			if err != nil {
				t.Fatalf("OpenReply(%s): %v", out, err)
			}
			if r.Content != "echo: 包子 ×2" || r.ToUserName != "oUser" || r.FromUserName != "gh_bot" || r.MsgType != "text" || r.CreateTime == 0 {
				t.Fatalf("reply %+v", r)
			}
			// The reply must not open in the other mode.
			if _, err := testAccount.OpenReply(out, !safe); err == nil {
				t.Errorf("reply opened in the wrong mode")
			}
		})
	}
	t.Run("no reply", func(t *testing.T) {
		req, err := testAccount.Plain("/wechat", EventXML("gh_bot", "oUser", "subscribe", "", created), created, "n")
		if err != nil {
			t.Fatal(err)
		}
		code, out := do(t, h, req)
		if code != 200 || string(out) != "success" {
			t.Fatalf("= %d %q", code, out)
		}
		if r, err := testAccount.OpenReply(out, false); err != nil || r != (Reply{}) {
			t.Fatalf("OpenReply(success) = %+v, %v", r, err)
		}
	})
	t.Run("bad signature", func(t *testing.T) {
		wrong := testAccount
		wrong.Token = "other"
		req, err := wrong.Plain("/wechat", body, created, "n")
		if err != nil {
			t.Fatal(err)
		}
		if code, _ := do(t, h, req); code != http.StatusForbidden {
			t.Fatalf("status %d, want 403", code)
		}
	})
}

// TestSafeEnvelope checks the encrypted request against the protocol
// directly, with a pinned random prefix.
func TestSafeEnvelope(t *testing.T) {
	body := ImageXML("gh_bot", "oUser", "http://p/1.jpg", "M1", 3, created)
	random := []byte("0123456789abcdef")
	req, err := testAccount.safe("http://h/wechat", body, created, "nn", random)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(req.Body)
	var env struct {
		XMLName    xml.Name
		ToUserName string `xml:"ToUserName"`
		Encrypt    string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal(raw, &env); err != nil {
		t.Fatal(err)
	}
	want, _ := testAccount.Encrypt(body, random)
	q := req.URL.Query()
	switch {
	case env.XMLName.Local != "xml" || env.ToUserName != "gh_bot" || env.Encrypt != want:
		t.Errorf("envelope %s", raw)
	case q.Get("encrypt_type") != "aes":
		t.Errorf("encrypt_type %q", q.Get("encrypt_type"))
	case q.Get("msg_signature") != Sign(testAccount.Token, "1700000000", "nn", want):
		t.Errorf("msg_signature %q", q.Get("msg_signature"))
	case q.Get("signature") != Sign(testAccount.Token, "1700000000", "nn"):
		t.Errorf("signature %q", q.Get("signature"))
	case req.Method != http.MethodPost || req.Header.Get("Content-Type") != "text/xml":
		t.Errorf("method %s, content type %q", req.Method, req.Header.Get("Content-Type"))
	}
	plain, appID, err := testAccount.Decrypt(env.Encrypt)
	if err != nil || !bytes.Equal(plain, body) || appID != testAccount.AppID {
		t.Errorf("Decrypt = %q, %q, %v", plain, appID, err)
	}
}

func TestOpenReplyRejects(t *testing.T) {
	inner := []byte("<xml><ToUserName><![CDATA[oUser]]></ToUserName><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[hi]]></Content></xml>")
	enc, err := testAccount.Encrypt(inner, []byte("0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	envelope := func(sig string) []byte {
		return []byte("<xml><Encrypt><![CDATA[" + enc + "]]></Encrypt><MsgSignature><![CDATA[" + sig +
			"]]></MsgSignature><TimeStamp>1700000000</TimeStamp><Nonce><![CDATA[nn]]></Nonce></xml>")
	}
	good := envelope(Sign(testAccount.Token, "1700000000", "nn", enc))
	if r, err := testAccount.OpenReply(good, true); err != nil || r.Content != "hi" {
		t.Fatalf("good envelope: %+v, %v", r, err)
	}
	otherApp := testAccount
	otherApp.AppID = "wxsomebodyelse0000"
	cases := []struct {
		name string
		acct Account
		body []byte
		safe bool
	}{
		{"bad signature", testAccount, envelope("deadbeef"), true},
		{"other appid", otherApp, good, true},
		{"clear in safe mode", testAccount, inner, true},
		{"encrypted in plain mode", testAccount, good, false},
		{"not xml", testAccount, []byte("hello"), false},
		{"wrong root", testAccount, []byte("<root><Content>x</Content></root>"), false},
	}
	for _, c := range cases {
		if _, err := c.acct.OpenReply(c.body, c.safe); err == nil {
			t.Errorf("%s: OpenReply accepted it", c.name)
		}
	}
	for _, empty := range []string{"", "  ", "success", "success\n"} {
		if r, err := testAccount.OpenReply([]byte(empty), true); err != nil || r != (Reply{}) {
			t.Errorf("OpenReply(%q) = %+v, %v", empty, r, err)
		}
	}
}
