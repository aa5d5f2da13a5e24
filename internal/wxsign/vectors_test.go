package wxsign

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/silenceper/wechat/v2/cache"
	"github.com/silenceper/wechat/v2/officialaccount"
	"github.com/silenceper/wechat/v2/officialaccount/config"
	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// vectorsPath holds Tencent's published samples, verified by hand once and
// by this test on every run; see each entry's source and note.
const vectorsPath = "../../bot/testdata/wechat_official_vectors.json"

type vector struct {
	Source         string `json:"source"`
	Kind           string `json:"kind"`
	Note           string `json:"note"`
	Token          string `json:"token"`
	EncodingAESKey string `json:"encoding_aes_key"`
	AppID          string `json:"app_id"`
	Timestamp      string `json:"timestamp"`
	Nonce          string `json:"nonce"`
	MsgSignature   string `json:"msg_signature"`
	Encrypt        string `json:"encrypt"`
	Plaintext      string `json:"plaintext"`
	PlaintextPub   bool   `json:"plaintext_published"`
	Random         string `json:"random"`
	Signature      string `json:"signature"`
	OpenID         string `json:"openid"`
	PostBody       string `json:"post_body"`
	ReplyBody      string `json:"reply_body"`
}

func loadVectors(t *testing.T) []vector {
	t.Helper()
	data, err := os.ReadFile(vectorsPath)
	if err != nil {
		t.Fatal(err)
	}
	var vs []vector
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a typo in a field name must not skip a check
	if err := dec.Decode(&vs); err != nil {
		t.Fatal(err)
	}
	if len(vs) == 0 {
		t.Fatal("no vectors")
	}
	return vs
}

func TestOfficialVectors(t *testing.T) {
	for i, v := range loadVectors(t) {
		t.Run(fmt.Sprintf("%d-%s", i, v.Kind), func(t *testing.T) {
			if v.Source == "" || v.Token == "" || v.AppID == "" || v.Encrypt == "" || v.Plaintext == "" {
				t.Fatalf("incomplete vector: %+v", v)
			}
			acct := Account{Token: v.Token, AppID: v.AppID, EncodingAESKey: v.EncodingAESKey}

			// Signatures, ours and the library's, byte for byte.
			if v.MsgSignature != "" {
				if got := Sign(v.Token, v.Timestamp, v.Nonce, v.Encrypt); got != v.MsgSignature {
					t.Errorf("Sign = %s, want %s", got, v.MsgSignature)
				}
				if got := util.Signature(v.Token, v.Timestamp, v.Nonce, v.Encrypt); got != v.MsgSignature {
					t.Errorf("util.Signature = %s, want %s", got, v.MsgSignature)
				}
			}
			if v.Signature != "" {
				if got := Sign(v.Token, v.Timestamp, v.Nonce); got != v.Signature {
					t.Errorf("URL Sign = %s, want %s", got, v.Signature)
				}
				if got := util.Signature(v.Token, v.Timestamp, v.Nonce); got != v.Signature {
					t.Errorf("URL util.Signature = %s, want %s", got, v.Signature)
				}
			}

			// Decryption, ours and the library's.
			plain, appID, err := acct.Decrypt(v.Encrypt)
			if err != nil {
				t.Fatalf("Decrypt: %v", err)
			}
			if string(plain) != v.Plaintext || appID != v.AppID {
				t.Errorf("Decrypt = %q, %q\nwant      %q, %q", plain, appID, v.Plaintext, v.AppID)
			}
			random, libPlain, err := util.DecryptMsg(v.AppID, v.Encrypt, v.EncodingAESKey)
			if err != nil {
				t.Fatalf("util.DecryptMsg: %v", err)
			}
			if string(libPlain) != v.Plaintext {
				t.Errorf("util.DecryptMsg = %q, want %q", libPlain, v.Plaintext)
			}

			// Where the random prefix is published, encryption must
			// reproduce the published ciphertext exactly, both ways.
			if v.Random != "" {
				if string(random) != v.Random {
					t.Errorf("random prefix %q, want %q", random, v.Random)
				}
				got, err := acct.Encrypt([]byte(v.Plaintext), []byte(v.Random))
				if err != nil || got != v.Encrypt {
					t.Errorf("Encrypt = %q, %v\nwant     %q", got, err, v.Encrypt)
				}
				lib, err := util.EncryptMsg([]byte(v.Random), []byte(v.Plaintext), v.AppID, v.EncodingAESKey)
				if err != nil || string(lib) != v.Encrypt {
					t.Errorf("util.EncryptMsg = %q, %v\nwant          %q", lib, err, v.Encrypt)
				}
			}

			if v.PostBody != "" {
				checkPostBody(t, v)
			}
			if v.ReplyBody != "" {
				// OpenReply verifies MsgSignature and AppID on the published
				// reply; its plaintext is no chat message, so fields stay empty.
				if _, err := acct.OpenReply([]byte(v.ReplyBody), true); err != nil {
					t.Errorf("OpenReply(published reply): %v", err)
				}
			}
		})
	}
}

// checkPostBody feeds the published POST body to silenceper's real server,
// which must verify and decrypt it to the published plaintext. In
// compatible mode the body also carries the message in clear; those fields
// must equal the decrypted ones.
func checkPostBody(t *testing.T, v vector) {
	t.Helper()
	var env struct {
		ToUserName   string `xml:"ToUserName"`
		FromUserName string `xml:"FromUserName"`
		CreateTime   int64  `xml:"CreateTime"`
		MsgType      string `xml:"MsgType"`
		Content      string `xml:"Content"`
		MsgID        int64  `xml:"MsgId"`
		Encrypt      string `xml:"Encrypt"`
	}
	if err := xml.Unmarshal([]byte(v.PostBody), &env); err != nil {
		t.Fatalf("post_body: %v", err)
	}
	if env.Encrypt != v.Encrypt {
		t.Fatalf("post_body Encrypt differs from encrypt")
	}
	if env.MsgType != "" {
		var inner message.MixMessage
		if err := xml.Unmarshal([]byte(v.Plaintext), &inner); err != nil {
			t.Fatal(err)
		}
		if string(inner.ToUserName) != env.ToUserName || string(inner.FromUserName) != env.FromUserName ||
			inner.CreateTime != env.CreateTime || string(inner.MsgType) != env.MsgType ||
			inner.Content != env.Content || inner.MsgID != env.MsgID {
			t.Errorf("clear fields of the compatible-mode body differ from the decrypted message:\n clear %+v\n inner %+v", env, inner)
		}
	}

	// The library's Validate wants the Token signature too; where the
	// source does not publish it, it is derived, not part of the vector.
	signature := v.Signature
	if signature == "" {
		signature = Sign(v.Token, v.Timestamp, v.Nonce)
	}
	target := "/wechat?encrypt_type=aes&timestamp=" + v.Timestamp + "&nonce=" + v.Nonce +
		"&msg_signature=" + v.MsgSignature + "&signature=" + signature
	if v.OpenID != "" {
		target += "&openid=" + v.OpenID
	}
	req := httptest.NewRequest("POST", target, strings.NewReader(v.PostBody))
	req.Header.Set("Content-Type", "text/xml")
	rec := httptest.NewRecorder()
	oa := officialaccount.NewOfficialAccount(&config.Config{
		AppID: v.AppID, AppSecret: "unused", Token: v.Token, EncodingAESKey: v.EncodingAESKey,
		Cache: cache.NewMemory(),
	})
	srv := oa.GetServer(req, rec)
	srv.SetMessageHandler(func(*message.MixMessage) *message.Reply { return nil })
	if err := srv.Serve(); err != nil {
		t.Fatalf("silenceper server refused the published body: %v", err)
	}
	if string(srv.RequestRawXMLMsg) != v.Plaintext {
		t.Errorf("silenceper server decrypted %q, want %q", srv.RequestRawXMLMsg, v.Plaintext)
	}
}

// TestOfficialURLVerification is the GET example every "消息推送" page of the
// WeChat docs shares (e.g. developers.weixin.qq.com/doc/channels/API/basics/
// message_push.html): Token "AAAAA", and this exact URL.
func TestOfficialURLVerification(t *testing.T) {
	const want = "https://www.qq.com/revice?echostr=4375120948345356249&nonce=1514711492" +
		"&signature=f464b24fc39322e44b38aa78f5edd27bd1441696&timestamp=1714036504"
	got := Account{Token: "AAAAA"}.VerifyURL("https://www.qq.com/revice", "4375120948345356249",
		time.Unix(1714036504, 0), "1514711492")
	if got != want {
		t.Fatalf("VerifyURL =\n %s\nwant\n %s", got, want)
	}
}
