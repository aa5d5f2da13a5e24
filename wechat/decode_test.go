package wechat

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/silenceper/wechat/v2/officialaccount/message"
)

// sdkDecode is how the SDK's server reads a message.
func sdkDecode(b []byte) (*message.MixMessage, error) {
	m := new(message.MixMessage)
	return m, xml.Unmarshal(b, m)
}

// TestDecodeIsTheSDKs reads WeChat's messages (testdata/messages) and
// bodies at the edges of what scan takes: decodeMessage reads each as
// encoding/xml does, and scan takes every message shaped as WeChat writes
// them (else the fast path would be dead code).
func TestDecodeIsTheSDKs(t *testing.T) {
	files, _ := filepath.Glob("testdata/messages/*.xml")
	if len(files) < 10 {
		t.Fatalf("%d messages in testdata", len(files))
	}
	// Messages with fields scan does not know go to encoding/xml.
	slow := map[string]bool{"scancode.xml": true, "template-finish.xml": true}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			readsAlike(t, b)
			if got := scan(b, new(message.MixMessage)); got == slow[name] {
				t.Errorf("scan took it: %v, want %v", got, !slow[name])
			}
		})
	}
	for _, body := range []string{
		"", "<xml></xml>", " \n<xml>\n</xml>\n", "<xml/>", "<XML></XML>",
		"<xml><Content></Content></xml>",
		"<xml><Content><![CDATA[]]></Content></xml>",
		"<xml><Content><![CDATA[a]]b]]></Content></xml>",
		"<xml><Content><![CDATA[a]]>b</Content></xml>",
		"<xml><Content>a]]>b</Content></xml>",
		"<xml><Content>a&amp;b</Content></xml>",
		"<xml><Content>a&bogus;b</Content></xml>",
		"<xml><Content><![CDATA[<b>&amp;</b>]]></Content></xml>",
		"<xml><Content>a\r\nb</Content></xml>",
		"<xml><Content><![CDATA[a\r\nb]]></Content></xml>",
		"<xml><Content>a\x00b</Content></xml>",
		"<xml><Content>\xff</Content></xml>",
		"<xml><Content>\uFFFE</Content></xml>",
		"<xml><Content>\t\n 🥬</Content></xml>",
		"<xml><Content>a</Content><Content>b</Content></xml>",
		"<xml><Content a=\"1\">a</Content></xml>",
		"<xml><Content >a</Content ></xml>",
		"<xml><x:Content>a</x:Content></xml>",
		"<xml><Content>a<!-- c --></Content></xml>",
		"<xml><Content>a</content></xml>",
		"<xml><Content>a</Content>",
		"<xml><Content>a</Content></xml>trailing",
		"<?xml version=\"1.0\"?><xml><Content>a</Content></xml>",
		"<xml><CreateTime></CreateTime></xml>",
		"<xml><CreateTime> 12 </CreateTime></xml>",
		"<xml><CreateTime>\u00a012</CreateTime></xml>",
		"<xml><CreateTime>1e3</CreateTime></xml>",
		"<xml><CreateTime>99999999999999999999</CreateTime></xml>",
		"<xml><MsgId>-5</MsgId><MsgID>6</MsgID></xml>",
		"<xml><MsgId><![CDATA[77]]></MsgId></xml>",
		"<xml><Event>CLICK</Event><Unknown>x</Unknown></xml>",
		"<xml><Idx>1</Idx><MsgDataId>2</MsgDataId></xml>",
		"<xml><Idx><b/></Idx></xml>",
		"<xml> text between </xml>",
		"<xml><ScanCodeInfo><ScanType>q</ScanType></ScanCodeInfo></xml>",
	} {
		t.Run(body, func(t *testing.T) { readsAlike(t, []byte(body)) })
	}
}

// readsAlike fails unless decodeMessage reads b as encoding/xml does: the same
// message, or an error for both.
func readsAlike(t *testing.T, b []byte) {
	t.Helper()
	want, wantErr := sdkDecode(b)
	got, err := decodeMessage(b, false)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("error %v, the SDK's %v", err, wantErr)
	}
	if wantErr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("read\n%+v\nthe SDK read\n%+v", got, want)
	}
}

// FuzzDecode holds decodeMessage equal to the SDK's reading of any body,
// and scan to reading only what encoding/xml reads alike.
func FuzzDecode(f *testing.F) {
	files, _ := filepath.Glob("testdata/messages/*.xml")
	for _, p := range files {
		b, _ := os.ReadFile(p)
		f.Add(b)
	}
	f.Add([]byte("<xml><Content><![CDATA[a]]></Content><CreateTime>1</CreateTime></xml>"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m := new(message.MixMessage)
		if scan(b, m) {
			want, err := sdkDecode(b)
			if err != nil {
				t.Fatalf("scan read what encoding/xml refuses (%v): %q", err, b)
			}
			if !reflect.DeepEqual(m, want) {
				t.Fatalf("scan read %q as\n%+v\nencoding/xml as\n%+v", b, m, want)
			}
		}
		readsAlike(t, b)
	})
}

// BenchmarkDecode reads a text message as WeChat sends it: scan against
// the SDK's encoding/xml.
func BenchmarkDecode(b *testing.B) {
	body, err := os.ReadFile("testdata/messages/text.xml")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("scan", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeMessage(body, false); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdkDecode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
