package bot

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/officialaccount"
	oaconfig "github.com/silenceper/wechat/v2/officialaccount/config"

	"github.com/baogong/baogong/catalog"
	"github.com/baogong/baogong/internal/redistest"
	"github.com/baogong/baogong/internal/wxsign"
	"github.com/baogong/baogong/orders/redisstore"
	"github.com/baogong/baogong/wechat"
)

// officialVector is one of the worked examples from Tencent's
// message-encryption sample code (see testdata/wechat_official_vectors.json
// for where each was found).
type officialVector struct {
	Source         string `json:"source"`
	Kind           string `json:"kind"`
	Token          string `json:"token"`
	EncodingAESKey string `json:"encoding_aes_key"`
	AppID          string `json:"app_id"`
	Timestamp      string `json:"timestamp"`
	Nonce          string `json:"nonce"`
	MsgSignature   string `json:"msg_signature"`
	Encrypt        string `json:"encrypt"`
	Plaintext      string `json:"plaintext"`
	PostBody       string `json:"post_body"`
}

// TestOfficialVectorsThroughHandler posts each official sample, byte for
// byte as published, to the real callback configured with the sample's
// Token, EncodingAESKey and AppID. The handler must verify and decrypt it,
// answer the sample's sender, and encrypt the answer so the sample's key
// opens it.
func TestOfficialVectorsThroughHandler(t *testing.T) {
	data, err := os.ReadFile("testdata/wechat_official_vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var vectors []officialVector
	if err := json.Unmarshal(data, &vectors); err != nil {
		t.Fatal(err)
	}
	if len(vectors) == 0 {
		t.Fatal("no vectors")
	}
	cat, err := catalog.Load("testdata/catalog.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rdb := redistest.Client(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for i, v := range vectors {
		t.Run(fmt.Sprintf("%d %s", i, v.Source), func(t *testing.T) {
			if !strings.HasPrefix(v.Plaintext, "<xml>") {
				t.Skip("not a message (a URL-check echostr)")
			}
			if v.MsgSignature == "" {
				// The sample computes it at run time; the algorithm itself
				// is pinned by the vectors that publish one.
				v.MsgSignature = wxsign.Sign(v.Token, v.Timestamp, v.Nonce, v.Encrypt)
			}
			community := redistest.Community(t)
			acct := officialaccount.NewOfficialAccount(&oaconfig.Config{
				AppID: v.AppID, AppSecret: "s", Token: v.Token, EncodingAESKey: v.EncodingAESKey,
				Cache: wechat.NewTokenCache(rdb, v.AppID, log),
			})
			b := newBot(cat, testCommunity(), redisstore.New(rdb, community, cat), failingNotices{}, time.Now, log)
			srv := httptest.NewServer(&wechat.Handler{Account: acct, Answer: b.Handle, Token: v.Token, MaxBody: 1 << 20, Budget: 4 * time.Second, Log: log})
			defer srv.Close()

			body := v.PostBody
			if body == "" {
				body = "<xml><ToUserName><![CDATA[" + v.AppID + "]]></ToUserName><Encrypt><![CDATA[" + v.Encrypt + "]]></Encrypt></xml>"
			}
			q := url.Values{
				"timestamp": {v.Timestamp}, "nonce": {v.Nonce}, "encrypt_type": {"aes"},
				"msg_signature": {v.MsgSignature}, "signature": {wxsign.Sign(v.Token, v.Timestamp, v.Nonce)},
			}
			resp, err := http.Post(srv.URL+"/wechat?"+q.Encode(), "text/xml", strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d: %s", resp.StatusCode, raw)
			}
			reply, err := wxsign.Account{Token: v.Token, AppID: v.AppID, EncodingAESKey: v.EncodingAESKey}.OpenReply(raw, true)
			if err != nil {
				t.Fatalf("open reply %s: %v", raw, err)
			}
			var sent struct {
				From    string `xml:"FromUserName"`
				To      string `xml:"ToUserName"`
				MsgType string `xml:"MsgType"`
				Event   string `xml:"Event"`
			}
			xml.Unmarshal([]byte(v.Plaintext), &sent)
			if sent.MsgType == "event" && sent.Event != "subscribe" && sent.Event != "CLICK" {
				// An event we have nothing to say to: "success".
				if reply != (wxsign.Reply{}) || string(raw) != "success" {
					t.Errorf("reply to event %s: %q", sent.Event, raw)
				}
			} else if reply.ToUserName != sent.From || reply.FromUserName != sent.To || reply.MsgType != "text" || reply.Content == "" {
				t.Errorf("reply %+v to a message from %q to %q", reply, sent.From, sent.To)
			}

			// The same sample with one character of the ciphertext
			// changed must be refused.
			tampered := strings.Replace(body, v.Encrypt[:8], "AAAAAAAA", 1)
			resp, err = http.Post(srv.URL+"/wechat?"+q.Encode(), "text/xml", strings.NewReader(tampered))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("tampered sample: status %d, want 403", resp.StatusCode)
			}
		})
	}
}
