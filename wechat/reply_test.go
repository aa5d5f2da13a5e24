package wechat

import (
	"encoding/xml"
	"reflect"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
	"github.com/silenceper/wechat/v2/util"
)

// TestTextReplyIsTheSDKs: textReply writes what the SDK wrote for the
// same reply (buildResponse's setters, then xml.Marshal), byte for byte,
// whatever the text holds.
func TestTextReplyIsTheSDKs(t *testing.T) {
	for _, c := range []struct{ to, from, content string }{
		{"o-resident", "gh_account", "下单成功！订单号 1001\n送到：3栋2单元501"},
		{"o-resident", "gh_account", "a]]>b]]>]]>c"},
		{"o-<&>\"'", "gh_]]>", "<xml>&amp; \t\r\n 😀 ＡＢＣ"},
		{"o", "g", "]]>"},
		{"o", "g", "\x01\ufffd bad \xff utf-8"},
		{"", "", ""},
	} {
		if got, want := textReply(c.to, c.from, 1796543300, c.content), sdkText(t, c.to, c.from, 1796543300, c.content); string(got) != string(want) {
			t.Errorf("content %q:\n got %s\nwant %s", c.content, got, want)
		}
	}
}

// FuzzTextReply: the same, for any names, time and text.
func FuzzTextReply(f *testing.F) {
	f.Add("o-resident", "gh_account", int64(1796543300), "下单成功！]]>\n")
	f.Add("", "]]]>", int64(-1), "\xff\x00]]")
	f.Fuzz(func(t *testing.T, to, from string, created int64, content string) {
		if got, want := textReply(to, from, created, content), sdkText(t, to, from, created, content); string(got) != string(want) {
			t.Errorf("got %q\nwant %q", got, want)
		}
	})
}

// sdkText is the SDK's reply: its setters, then xml.Marshal.
func sdkText(t *testing.T, to, from string, created int64, content string) []byte {
	sdk := message.NewText(content)
	sdk.SetToUserName(message.CDATA(to))
	sdk.SetFromUserName(message.CDATA(from))
	sdk.SetMsgType(message.MsgTypeText)
	sdk.SetCreateTime(created)
	out, err := xml.Marshal(sdk)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestEncryptedReplyOpens: the safe-mode envelope carries the reply
// encrypted for the account, signed over the request's timestamp and
// nonce, as WeChat checks it.
func TestEncryptedReplyOpens(t *testing.T) {
	raw := textReply("o-resident", "gh_account", 1796543300, "已收到")
	out, err := encryptedReply(raw, hAppID, hAES, hToken, 1796543300, "n<1>")
	if err != nil {
		t.Fatal(err)
	}
	var env message.ResponseEncryptedXMLMsg
	if err := xml.Unmarshal(out, &env); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if env.Timestamp != 1796543300 || env.Nonce != "n<1>" {
		t.Errorf("envelope %+v", env)
	}
	if env.MsgSignature != util.Signature(hToken, "1796543300", "n<1>", env.EncryptedMsg) {
		t.Errorf("signature %s", env.MsgSignature)
	}
	_, plain, err := util.DecryptMsg(hAppID, env.EncryptedMsg, hAES)
	if err != nil || string(plain) != string(raw) {
		t.Errorf("decrypted %q (%v), want %q", plain, err, raw)
	}
}

// BenchmarkReply: a typical order answer, as textReply writes it and as
// the SDK did (setters by reflection, then xml.Marshal).
func BenchmarkReply(b *testing.B) {
	const answer = "下单成功！订单号 1006\n送到：3栋20单元101\n12月7日送（20:00后下单算明天）\n挂面 1袋 9元\n合计 9元\n付款：送到时付给志愿者（现金或转账）。\n取消请发：取消 1006"
	b.Run("ours", func(b *testing.B) {
		for b.Loop() {
			textReply("o-resident-0123456789", "gh_account", 1796543300, answer)
		}
	})
	b.Run("sdk", func(b *testing.B) {
		for b.Loop() {
			sdk := message.NewText(answer)
			v := reflect.ValueOf(sdk)
			v.MethodByName("SetToUserName").Call([]reflect.Value{reflect.ValueOf(message.CDATA("o-resident-0123456789"))})
			v.MethodByName("SetFromUserName").Call([]reflect.Value{reflect.ValueOf(message.CDATA("gh_account"))})
			v.MethodByName("SetMsgType").Call([]reflect.Value{reflect.ValueOf(message.MsgTypeText)})
			v.MethodByName("SetCreateTime").Call([]reflect.Value{reflect.ValueOf(int64(1796543300))})
			if _, err := xml.Marshal(sdk); err != nil {
				b.Fatal(err)
			}
		}
	})
}
