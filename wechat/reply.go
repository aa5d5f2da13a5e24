package wechat

import (
	"bytes"
	"crypto/rand"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/silenceper/wechat/v2/util"
)

// textReply is a passive text reply to a message from to, sent as from,
// byte for byte what the SDK writes for a message.Text (its
// buildResponse and Server.XML): the same elements, CDATA sections split
// the way encoding/xml splits them around "]]>". The SDK gets there by
// reflection (it calls four setters by name) and xml.Marshal, a seventh
// of an order message's CPU; TestTextReplyIsTheSDKs holds the bytes
// equal.
func textReply(to, from string, created int64, content string) []byte {
	var b bytes.Buffer
	b.Grow(160 + len(to) + len(from) + len(content))
	b.WriteString("<xml>")
	cdataElement(&b, "ToUserName", to)
	cdataElement(&b, "FromUserName", from)
	b.WriteString("<CreateTime>")
	b.WriteString(strconv.FormatInt(created, 10))
	b.WriteString("</CreateTime><MsgType>text</MsgType>")
	cdataElement(&b, "Content", content)
	b.WriteString("</xml>")
	return b.Bytes()
}

// cdataElement writes <name>s</name> with s as encoding/xml writes a
// ",cdata" field: nothing for "", else one CDATA section, split where s
// holds "]]>".
func cdataElement(b *bytes.Buffer, name, s string) {
	b.WriteString("<" + name + ">")
	if s != "" {
		b.WriteString("<![CDATA[")
		b.WriteString(strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>"))
		b.WriteString("]]>")
	}
	b.WriteString("</" + name + ">")
}

// encryptedReply wraps a reply for safe mode as the SDK's Send does: the
// reply encrypted for appID (a fresh 16-byte random prefix), signed with
// token over the request's timestamp and nonce.
func encryptedReply(raw []byte, appID, aesKey, token string, timestamp int64, nonce string) ([]byte, error) {
	random := make([]byte, 16)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("reply random: %w", err)
	}
	enc, err := util.EncryptMsg(random, raw, appID, aesKey)
	if err != nil {
		return nil, fmt.Errorf("encrypt reply: %w", err)
	}
	ts := strconv.FormatInt(timestamp, 10)
	var b bytes.Buffer
	b.WriteString("<xml><Encrypt>")
	xml.EscapeText(&b, enc)
	b.WriteString("</Encrypt><MsgSignature>")
	b.WriteString(util.Signature(token, ts, nonce, string(enc)))
	b.WriteString("</MsgSignature><TimeStamp>")
	b.WriteString(ts)
	b.WriteString("</TimeStamp><Nonce>")
	xml.EscapeText(&b, []byte(nonce))
	b.WriteString("</Nonce></xml>")
	return b.Bytes(), nil
}
