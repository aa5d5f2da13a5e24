package wechat

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// decodeMessage reads a message into the SDK's type as the SDK's server
// does: encoding/xml into a message.MixMessage, or encoding/json when the
// body is sent as JSON. WeChat writes every message it sends as one flat
// <xml> of CDATA sections and numbers; such a body is read by scan, in a
// seventh of encoding/xml's time (BenchmarkDecode), and any other
// (nesting, attributes, entities, a comment, an element scan does not
// know) by encoding/xml. Both read every body scan takes alike
// (FuzzDecode).
func decodeMessage(body []byte, isJSON bool) (*message.MixMessage, error) {
	m := new(message.MixMessage)
	if isJSON {
		// The SDK also read a mini program's subscription List into a
		// field of its own (and refused a message whose List it could not
		// read); nothing here reads it.
		return m, json.Unmarshal(body, m)
	}
	if scan(body, m) {
		return m, nil
	}
	*m = message.MixMessage{}
	return m, xml.Unmarshal(body, m)
}

// scan reads a flat message: <xml>, then elements of the fields below,
// each once, holding one CDATA section or plain text, then </xml>, with
// XML white space between. It reports false, having set fields or not,
// for anything else.
func scan(b []byte, m *message.MixMessage) bool {
	b = bytes.Trim(b, xmlSpace)
	const open, end = "<xml>", "</xml>"
	if !bytes.HasPrefix(b, []byte(open)) || !bytes.HasSuffix(b, []byte(end)) || len(b) < len(open)+len(end) {
		return false
	}
	b = b[len(open) : len(b)-len(end)]
	var seen uint32
	for {
		b = bytes.TrimLeft(b, xmlSpace)
		if len(b) == 0 {
			break
		}
		// <Name>
		if b[0] != '<' {
			return false
		}
		i := bytes.IndexByte(b, '>')
		if i < 0 || i > 16 {
			return false // no name in fields is longer
		}
		name := string(b[1:i]) // short: on the stack
		f := fieldOf(name)
		if f < 0 || seen&(1<<f) != 0 {
			return false
		}
		seen |= 1 << f
		b = b[i+1:]
		// the value: a CDATA section or text without markup
		var v []byte
		if cdata := []byte("<![CDATA["); bytes.HasPrefix(b, cdata) {
			b = b[len(cdata):]
			j := bytes.Index(b, []byte("]]>"))
			if j < 0 {
				return false
			}
			v, b = b[:j], b[j+3:]
		} else {
			j := bytes.IndexByte(b, '<')
			if j < 0 {
				return false
			}
			v, b = b[:j], b[j:]
			if bytes.ContainsAny(v, "&>") {
				return false
			}
		}
		// </Name>
		if len(b) < len(name)+3 || b[0] != '<' || b[1] != '/' || string(b[2:2+len(name)]) != name || b[2+len(name)] != '>' {
			return false
		}
		b = b[len(name)+3:]
		if !plain(v) || !set(m, f, v) {
			return false
		}
	}
	return true
}

// xmlSpace is XML's white space.
const xmlSpace = " \t\r\n"

// field is an element scan reads and where it goes: text as it is, or a
// number; neither for an element encoding/xml skips.
type field struct {
	name string
	text func(m *message.MixMessage, v string)
	num  func(m *message.MixMessage, n int64)
}

// fields are what WeChat sends in text, image, voice, location and menu
// messages and events.
var fields = [...]field{
	{name: "ToUserName", text: func(m *message.MixMessage, v string) { m.ToUserName = message.CDATA(v) }},
	{name: "FromUserName", text: func(m *message.MixMessage, v string) { m.FromUserName = message.CDATA(v) }},
	{name: "CreateTime", num: func(m *message.MixMessage, n int64) { m.CreateTime = n }},
	{name: "MsgType", text: func(m *message.MixMessage, v string) { m.MsgType = message.MsgType(v) }},
	{name: "MsgId", num: func(m *message.MixMessage, n int64) { m.MsgID = n }},
	{name: "Content", text: func(m *message.MixMessage, v string) { m.Content = v }},
	{name: "Recognition", text: func(m *message.MixMessage, v string) { m.Recognition = v }},
	{name: "PicUrl", text: func(m *message.MixMessage, v string) { m.PicURL = v }},
	{name: "MediaId", text: func(m *message.MixMessage, v string) { m.MediaID = v }},
	{name: "Format", text: func(m *message.MixMessage, v string) { m.Format = v }},
	{name: "ThumbMediaId", text: func(m *message.MixMessage, v string) { m.ThumbMediaID = v }},
	{name: "Event", text: func(m *message.MixMessage, v string) { m.Event = message.EventType(v) }},
	{name: "EventKey", text: func(m *message.MixMessage, v string) { m.EventKey = v }},
	{name: "Ticket", text: func(m *message.MixMessage, v string) { m.Ticket = v }},
	{name: "Latitude", text: func(m *message.MixMessage, v string) { m.Latitude = v }},
	{name: "Longitude", text: func(m *message.MixMessage, v string) { m.Longitude = v }},
	{name: "Precision", text: func(m *message.MixMessage, v string) { m.Precision = v }},
	// Sent with a message from an article; the SDK's type has no field
	// for them, and encoding/xml skips them.
	{name: "MsgDataId"},
	{name: "Idx"},
}

// scan marks the fields it has seen in a uint32.
const _ = uint(32 - len(fields))

// fieldOf is the index of a name in fields, -1 for any other.
func fieldOf(name string) int {
	for i := range fields {
		if fields[i].name == name {
			return i
		}
	}
	return -1
}

// set stores v in field f as encoding/xml would, and reports false where
// encoding/xml fails (a number it cannot read).
func set(m *message.MixMessage, f int, v []byte) bool {
	switch fl := &fields[f]; {
	case fl.text != nil:
		fl.text(m, string(v))
	case fl.num != nil:
		var n int64
		if len(v) > 0 {
			var err error
			// encoding/xml trims Unicode white space around numbers.
			if n, err = strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64); err != nil {
				return false
			}
		}
		fl.num(m, n)
	}
	return true
}

// plain reports whether encoding/xml reads v as it is: UTF-8 of XML's
// characters, without a carriage return (which encoding/xml turns into a
// line feed).
func plain(v []byte) bool {
	for i := 0; i < len(v); {
		c := v[i]
		if c < utf8.RuneSelf {
			if c < 0x20 && c != '\t' && c != '\n' {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(v[i:])
		if r == utf8.RuneError && n == 1 || r >= 0xD800 && r <= 0xDFFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += n
	}
	return true
}
